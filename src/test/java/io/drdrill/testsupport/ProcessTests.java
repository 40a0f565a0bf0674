package io.drdrill.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.process.InProcessRestoreWorker;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;

/**
 * Helpers shared by the process tests: the catalog is the temp folder, jobs are run by hand, and a drill's
 * variables and evidence are read back the same way in every test.
 */
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

    /**
     * The start variables of a drill as the headless command gives them: the bundle's manifest by its catalog name
     * and the evidence paths.
     */
    public static java.util.Map<String, Object> headlessVariables(TestBundle bundle,
                                                                 io.drdrill.evidence.EvidencePaths paths) {
        java.util.Map<String, Object> variables = new java.util.HashMap<>();
        io.drdrill.process.DrDrillProcess.Variables.MANIFEST.put(variables, catalogName(bundle.manifestPath()));
        io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH.put(variables, paths.report());
        io.drdrill.process.DrDrillProcess.Variables.EVENTS_PATH.put(variables, paths.events());
        io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR.put(variables, paths.evidenceDir());
        return variables;
    }

    /**
     * Executes due jobs, and serves due restore tasks with the engine's in-process worker, until the instance (and
     * any instance it called) waits for nothing more.
     */
    public static void runJobs(ProcessInstance instance) {
        for (List<Job> jobs = due(instance); !jobs.isEmpty() || servedRestore(instance); jobs = due(instance)) {
            jobs.forEach(BpmnAwareTests::execute);
        }
    }

    /** Serves the due restore tasks of the instance's tree once; whether any was served. */
    public static boolean servedRestore(ProcessInstance instance) {
        var worker = InProcessRestoreWorker.of(BpmnAwareTests.processEngine());
        if (worker.isEmpty()) {
            return false;
        }
        boolean served = false;
        for (var process : BpmnAwareTests.runtimeService().createProcessInstanceQuery()
                .rootProcessInstanceId(instance.getRootProcessInstanceId()).list()) {
            served |= !worker.get().serve(process.getId(), 0).isEmpty();
        }
        return served;
    }

    /** The last value of a drill's variable, from the engine's history (it outlives the ended instance). */
    public static Object historicValue(ProcessInstance drill, String name) {
        return BpmnAwareTests.historyService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).variableName(name).singleResult().getValue();
    }

    /** The bundle's {@code dr-report.json}. */
    public static JsonNode report(TestBundle bundle) throws IOException {
        return TestBundle.JSON.readTree(bundle.evidenceDir().resolve("dr-report.json").toFile());
    }

    /** The bundle's {@code dr-events.ndjson}, one node per non-blank line. */
    public static List<JsonNode> events(TestBundle bundle) throws IOException {
        return Files.readAllLines(bundle.evidenceDir().resolve("dr-events.ndjson")).stream()
                .filter(line -> !line.isBlank()).map(line -> {
                    try {
                        return TestBundle.JSON.readTree(line);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
    }

    private static List<Job> due(ProcessInstance instance) {
        return managementService().createJobQuery().rootProcessInstanceId(instance.getRootProcessInstanceId())
                .executable().list();
    }
}
