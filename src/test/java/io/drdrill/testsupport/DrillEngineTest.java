package io.drdrill.testsupport;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A process test on the Spring Boot application's engine: jobs are run by the test (no job executor), the
 * catalog is the temp folder, and camunda-bpm-assert is bound to this context's engine before each test (it keeps
 * one engine per JVM). Tests add their own settings with {@code @TestPropertySource}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(properties = {
        "camunda.bpm.job-execution.enabled=false",
        "drdrill.manifests-dir=${java.io.tmpdir}"})
@ExtendWith(DrillEngineTest.BindAssertions.class)
public @interface DrillEngineTest {

    /** Binds camunda-bpm-assert to the engine of the test's Spring context. */
    class BindAssertions implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            BpmnAwareTests.init(SpringExtension.getApplicationContext(context).getBean(ProcessEngine.class));
        }
    }
}
