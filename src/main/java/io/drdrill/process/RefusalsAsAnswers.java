package io.drdrill.process;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * A business rule that says no (four-eyes, a review without a reviewer, a release without a name) is an answer,
 * not a server error. The engine wraps whatever a task listener throws in "ENGINE-03051 There was an exception
 * while invoking the TaskListener…", which the REST API and Tasklist show as HTTP 500 with that prefix. This
 * outermost command interceptor hands the rule's own {@link AuthorizationException} (403) or
 * {@link BadUserRequestException} (400) on unwrapped, so every client (REST, the web apps, Java) gets the one-line
 * message. The command has already been rolled back when the exception reaches it.
 * <p>
 * Some REST resources (process start, form submission) turn any engine exception but an authorization error into
 * "500 Cannot instantiate process definition…"; the refusal that escaped a command is therefore also remembered
 * for the calling thread ({@link #lastRefusal()}), so the server can answer such a request with it.
 */
@Component
public class RefusalsAsAnswers extends AbstractProcessEnginePlugin {

    /** The engine's code of a task listener failure, as it starts its message. */
    static final String TASK_LISTENER_FAILURE = "ENGINE-03051";
    private static final ThreadLocal<RuntimeException> LAST_REFUSAL = new ThreadLocal<>();

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setCustomPreCommandInterceptorsTxRequired(
                first(configuration.getCustomPreCommandInterceptorsTxRequired()));
        configuration.setCustomPreCommandInterceptorsTxRequiresNew(
                first(configuration.getCustomPreCommandInterceptorsTxRequiresNew()));
    }

    private static List<CommandInterceptor> first(List<CommandInterceptor> others) {
        List<CommandInterceptor> interceptors = new ArrayList<>();
        interceptors.add(new Unwrap());
        if (others != null) {
            interceptors.addAll(others);
        }
        return interceptors;
    }

    /**
     * The refusal a task listener threw (the engine wraps it once or twice: "ENGINE-03051 …", "Exception while
     * invoking TaskListener: …"), or {@code failure} itself when it is anything else.
     */
    static RuntimeException answer(RuntimeException failure) {
        if (!(failure instanceof ProcessEngineException) || failure.getMessage() == null
                || !failure.getMessage().startsWith(TASK_LISTENER_FAILURE)) {
            return failure;
        }
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause();
             cause = cause.getCause()) {
            if (isRefusal(cause)) {
                return (RuntimeException) cause;
            }
        }
        return failure;
    }

    /** The business-rule refusal that last escaped an engine command on this thread, if any. */
    public static java.util.Optional<RuntimeException> lastRefusal() {
        return java.util.Optional.ofNullable(LAST_REFUSAL.get());
    }

    /** Forgets this thread's refusal (at the start and end of a request). */
    public static void forgetRefusal() {
        LAST_REFUSAL.remove();
    }

    static boolean isRefusal(Throwable failure) {
        return failure instanceof AuthorizationException || failure instanceof BadUserRequestException;
    }

    private static final class Unwrap extends CommandInterceptor {
        @Override
        public <T> T execute(Command<T> command) {
            try {
                return next.execute(command);
            } catch (RuntimeException failure) {
                RuntimeException answer = answer(failure);
                if (isRefusal(answer)) {
                    LAST_REFUSAL.set(answer);
                }
                throw answer;
            }
        }
    }
}
