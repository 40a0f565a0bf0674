package io.drdrill.process;

import org.camunda.bpm.engine.delegate.BaseDelegateExecution;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.delegate.DelegateInvocation;
import org.camunda.bpm.engine.impl.interceptor.DelegateInterceptor;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.util.Optional;

import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;

/**
 * Every log line written while one of a drill's delegates or listeners runs says which drill it is about: the
 * engine's delegate interceptor is wrapped so that {@value #RUN_ID_KEY} and {@value #MANIFEST_KEY} are in the
 * logging MDC for the length of each invocation (structured logs show them as fields). The engine's own
 * interceptor still runs inside, unchanged.
 */
@Component
public class DrillLogContext extends AbstractProcessEnginePlugin {

    public static final String RUN_ID_KEY = "drill.run_id";
    public static final String MANIFEST_KEY = "drill.manifest";

    @Override
    public void postInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setDelegateInterceptor(new WithDrillContext(configuration.getDelegateInterceptor()));
    }

    private record WithDrillContext(DelegateInterceptor engine) implements DelegateInterceptor {

        @Override
        public void handleInvocation(DelegateInvocation invocation) throws Exception {
            BaseDelegateExecution execution = invocation.getContextExecution();
            if (execution == null) {
                engine.handleInvocation(invocation);
                return;
            }
            String runId = MDC.get(RUN_ID_KEY);
            String manifest = MDC.get(MANIFEST_KEY);
            try {
                put(RUN_ID_KEY, RUN_ID.from(execution));
                put(MANIFEST_KEY, MANIFEST.from(execution));
            } catch (RuntimeException unreadable) {
                // an execution whose variables cannot be read (ending, deleted) logs without the drill's context
                MDC.remove(RUN_ID_KEY);
                MDC.remove(MANIFEST_KEY);
            }
            try {
                engine.handleInvocation(invocation);
            } finally {
                restore(RUN_ID_KEY, runId);
                restore(MANIFEST_KEY, manifest);
            }
        }

        private static void put(String key, Optional<String> value) {
            value.ifPresentOrElse(v -> MDC.put(key, v), () -> MDC.remove(key));
        }

        private static void restore(String key, String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }
}
