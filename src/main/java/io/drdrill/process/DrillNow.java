package io.drdrill.process;

import io.drdrill.manifest.Instants;
import org.camunda.bpm.engine.delegate.VariableScope;

import java.time.Instant;

import static io.drdrill.process.DrDrillProcess.Variables.CURRENT_TIME;

/** The drill's "now" for the RPO: {@code currentTime} when a trusted caller gave it, else the clock. */
final class DrillNow {

    private DrillNow() {
    }

    static Instant of(java.util.Map<String, ?> variables) {
        return CURRENT_TIME.from(variables).filter(s -> !s.isBlank())
                .map(s -> Instants.require(s, "process variable " + CURRENT_TIME.name()))
                .orElseGet(Instant::now);
    }

    static Instant of(VariableScope scope) {
        return CURRENT_TIME.from(scope).filter(s -> !s.isBlank())
                .map(s -> Instants.require(s, "process variable " + CURRENT_TIME.name()))
                .orElseGet(Instant::now);
    }
}
