package io.drdrill.process;

import io.drdrill.evidence.DrillStatus;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static io.drdrill.process.DrDrillProcess.Variables.DRILL_STATUS;
import static io.drdrill.process.DrDrillProcess.Variables.ERROR_MESSAGE;
import static io.drdrill.process.DrDrillProcess.Variables.FAILED_STAGE;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.MAX_RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static io.drdrill.process.DrDrillProcess.Variables.RPO_MINUTES;
import static io.drdrill.process.DrDrillProcess.Variables.RTO_SECONDS;
import static io.drdrill.process.DrDrillProcess.Variables.RUN_ID;

/** Reads a drill's verdict from the engine history, so it is available after the instance has ended. */
@Component
public class DrillResults {

    private final HistoryService history;

    public DrillResults(HistoryService history) {
        this.history = history;
    }

    public DrillResult of(String processInstanceId) {
        Map<String, Object> values = new HashMap<>();
        for (HistoricVariableInstance variable : history.createHistoricVariableInstanceQuery()
                .processInstanceId(processInstanceId).list()) {
            if (variable.getValue() != null) {
                values.put(variable.getName(), variable.getValue());
            }
        }
        return new DrillResult(processInstanceId, (String) values.get(RUN_ID),
                text(values, DRILL_STATUS).map(DrillStatus::fromJson),
                text(values, FAILED_STAGE), text(values, ERROR_MESSAGE),
                number(values, RTO_SECONDS), number(values, RPO_MINUTES),
                number(values, MAX_RTO_SECONDS), number(values, MAX_RPO_MINUTES),
                text(values, REPORT_PATH));
    }

    private static Optional<String> text(Map<String, Object> values, String name) {
        return Optional.ofNullable(values.get(name)).map(Object::toString);
    }

    private static Optional<Double> number(Map<String, Object> values, String name) {
        return Optional.ofNullable(values.get(name)).filter(Number.class::isInstance)
                .map(v -> ((Number) v).doubleValue());
    }
}
