package io.drdrill.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.engine.variable.value.SerializableValue;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.camunda.spin.plugin.variable.SpinValues;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One process variable with its name and its type, in the manner of camunda-bpm-data's variable factories: the
 * process API declares each variable once ({@code MANIFEST = text("manifest")}), and every read and write goes
 * through the declaration, so a variable's type is decided in one place and never guessed at a call site.
 *
 * @param <T> the Java type the drill works with; how it is stored (string, double, boolean, JSON) is the
 *            declaration's business
 */
public final class ProcessVariable<T> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Function<Object, Optional<T>> decode;
    private final Function<T, Object> encode;

    private ProcessVariable(String name, Function<Object, Optional<T>> decode, Function<T, Object> encode) {
        this.name = name;
        this.decode = decode;
        this.encode = encode;
    }

    /** A string variable; a caller's non-string value is read as its text. */
    public static ProcessVariable<String> text(String name) {
        return new ProcessVariable<>(name, value -> Optional.of(value.toString()), Variables::stringValue);
    }

    /** A double variable; any stored number is read as a double, anything else as absent. */
    public static ProcessVariable<Double> number(String name) {
        return new ProcessVariable<>(name,
                value -> value instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty(),
                Variables::doubleValue);
    }

    /** An integer variable (a count). */
    public static ProcessVariable<Integer> count(String name) {
        return new ProcessVariable<>(name,
                value -> value instanceof Number n ? Optional.of(n.intValue()) : Optional.empty(),
                Variables::integerValue);
    }

    /** A boolean variable; only a stored boolean counts. */
    public static ProcessVariable<Boolean> flag(String name) {
        return new ProcessVariable<>(name,
                value -> value instanceof Boolean b ? Optional.of(b) : Optional.empty(), Variables::booleanValue);
    }

    /** An instant, stored as ISO-8601 text so that forms and the REST API show it as people read it. */
    public static ProcessVariable<Instant> instant(String name) {
        return new ProcessVariable<>(name, value -> Optional.of(Instant.parse(value.toString())),
                instant -> Variables.stringValue(instant.toString()));
    }

    /** A file system path, stored as its text. */
    public static ProcessVariable<Path> path(String name) {
        return new ProcessVariable<>(name, value -> Optional.of(Path.of(value.toString())),
                path -> Variables.stringValue(path.toString()));
    }

    /** Bytes (a log a worker sends back), stored in the engine's byte arrays; any other stored type is absent. */
    public static ProcessVariable<byte[]> bytes(String name) {
        return new ProcessVariable<>(name,
                value -> value instanceof byte[] b ? Optional.of(b) : Optional.empty(), Variables::byteArrayValue);
    }

    /**
     * A value kept as a Spin JSON variable: stored whole (no 4000-character limit of a string variable), shown as
     * JSON in Cockpit, and read back into {@code type} without any class name in the stored data.
     */
    public static <T> ProcessVariable<T> json(String name, Class<T> type) {
        return new ProcessVariable<>(name, value -> {
            try {
                return Optional.of(JSON.readValue(value.toString(), type));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("process variable " + name + " is not a valid " + type.getSimpleName(), e);
            }
        }, value -> {
            try {
                return SpinValues.jsonValue(JSON.writeValueAsString(value)).create();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("process variable " + name + " cannot be written as JSON", e);
            }
        });
    }

    public String name() {
        return name;
    }

    /** The value in this scope (and its parents), if set. */
    public Optional<T> from(VariableScope scope) {
        return read(scope.getVariable(name));
    }

    /** The value among variables read elsewhere (a history query, a REST answer), if set. */
    public Optional<T> from(Map<String, ?> values) {
        return read(values.get(name));
    }

    /** The value in this scope; a drill that reaches a step without it was started wrongly. */
    public T require(VariableScope scope) {
        return from(scope).orElseThrow(() -> new IllegalStateException("process variable " + name + " is not set"));
    }

    /** Writes the value (null clears it) where the scope resolves the variable. */
    public void set(VariableScope scope, T value) {
        scope.setVariable(name, value == null ? null : encode.apply(value));
    }

    /**
     * Writes the value on the process instance in a transaction of its own, from inside a job: it survives that
     * job's rollback, so the job's next attempt knows what the failed one already did (which alert channels took
     * an alert, say). Uses the engine's requires-new command executor.
     */
    public void setInOwnTransaction(String processInstanceId, T value) {
        Command<Void> write = commandContext -> {
            ExecutionEntity instance = commandContext.getExecutionManager().findExecutionById(processInstanceId);
            set(instance, value);
            return null;
        };
        Context.getProcessEngineConfiguration().getCommandExecutorTxRequiresNew().execute(write);
    }

    /** Puts the value into variables for a start or a completion. */
    public void put(Map<String, Object> variables, T value) {
        variables.put(name, value == null ? null : encode.apply(value));
    }

    private Optional<T> read(Object value) {
        if (value instanceof SerializableValue serialized && serialized.getValueSerialized() != null) {
            value = serialized.getValueSerialized();
        } else if (value instanceof TypedValue typed) {
            value = typed.getValue();
        }
        return value == null ? Optional.empty() : decode.apply(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
