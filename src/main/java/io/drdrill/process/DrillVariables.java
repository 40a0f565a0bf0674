package io.drdrill.process;

import io.drdrill.manifest.Instants;
import org.camunda.bpm.engine.delegate.VariableScope;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static io.drdrill.process.DrDrillProcess.Variables.CURRENT_TIME;
import static io.drdrill.process.DrDrillProcess.Variables.EVENTS_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;

/** Typed reads of the drill's process variables. */
final class DrillVariables {

    private DrillVariables() {
    }

    static Optional<String> text(VariableScope scope, String name) {
        Object value = scope.getVariable(name);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    static Optional<Double> number(VariableScope scope, String name) {
        Object value = scope.getVariable(name);
        return value instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }

    static Optional<Instant> instant(VariableScope scope, String name) {
        return text(scope, name).map(Instant::parse);
    }

    /** {@code currentTime} when given (ISO-8601, no offset = UTC), else the clock. */
    static Instant now(VariableScope scope) {
        return text(scope, CURRENT_TIME).filter(s -> !s.isBlank())
                .map(s -> Instants.require(s, "process variable " + CURRENT_TIME))
                .orElseGet(Instant::now);
    }

    static Path evidenceDir(VariableScope scope) {
        return Path.of(text(scope, EVIDENCE_DIR).orElseThrow(() -> new IllegalStateException("evidenceDir is not set")));
    }

    static Optional<Path> reportPath(VariableScope scope) {
        return text(scope, REPORT_PATH).map(Path::of);
    }

    static Optional<Path> eventsPath(VariableScope scope) {
        return text(scope, EVENTS_PATH).map(Path::of);
    }
}
