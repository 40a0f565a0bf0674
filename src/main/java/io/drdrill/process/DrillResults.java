package io.drdrill.process;

import io.drdrill.evidence.DrillStatus;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
        return new DrillResult(processInstanceId, RUN_ID.from(values).orElse(null),
                DRILL_STATUS.from(values).map(DrillStatus::fromJson),
                FAILED_STAGE.from(values), ERROR_MESSAGE.from(values),
                RTO_SECONDS.from(values), RPO_MINUTES.from(values),
                MAX_RTO_SECONDS.from(values), MAX_RPO_MINUTES.from(values),
                REPORT_PATH.from(values).map(Path::toString));
    }
}
