package io.drdrill.testsupport;

import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;

/** Helpers shared by the process tests: the catalog is the temp folder, jobs are run by hand. */
public final class ProcessTests {

    private ProcessTests() {
    }

    /** The name of a manifest in the test catalog ({@code drdrill.manifests-dir=${java.io.tmpdir}}). */
    public static String catalogName(Path manifest) {
        try {
            return Path.of(System.getProperty("java.io.tmpdir")).toRealPath()
                    .relativize(manifest.toRealPath()).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Executes due jobs until the instance (and any instance it called) waits for nothing more. */
    public static void runJobs(ProcessInstance instance) {
        for (List<Job> jobs = due(instance); !jobs.isEmpty(); jobs = due(instance)) {
            jobs.forEach(BpmnAwareTests::execute);
        }
    }

    private static List<Job> due(ProcessInstance instance) {
        return managementService().createJobQuery().rootProcessInstanceId(instance.getRootProcessInstanceId())
                .executable().list();
    }
}
