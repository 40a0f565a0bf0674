package io.drdrill.audit;

import io.drdrill.evidence.EvidencePaths;
import io.drdrill.evidence.EvidenceWriter;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.release.ReleaseSignoffProcess;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.jobexecutor.JobHandler;
import org.camunda.bpm.engine.impl.jobexecutor.JobHandlerConfiguration;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.MessageEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server drill's {@value EvidencePaths#ENGINE_HISTORY_FILE}: the transaction in which a {@code dr-drill} instance
 * ends (or a {@code release-signoff} instance, whose sign-off rewrote its drill's report) also creates a job, and
 * that job, run by whichever node's job executor takes it once the end has committed, writes the drill's engine
 * history (every line, then the evidence binding line) into its evidence folder and issues its attestation again
 * with that file as a subject. A job rather than work after the commit: it is in the database with the end or not
 * at all, survives the node that ended the drill, and is retried when writing fails. Not in the headless run
 * ({@code cli} profile), which writes the file itself before its engine stops.
 */
@Component
@Profile("!cli")
public class EngineHistoryJob extends AbstractProcessEnginePlugin {

    /** The job's handler type; its configuration is the id of the process instance that ended. */
    public static final String TYPE = "drdrill-engine-history";
    private static final Logger LOG = LoggerFactory.getLogger(EngineHistoryJob.class);

    private final ObjectProvider<EngineHistory> history;
    private final ObjectProvider<EvidenceWriter> writer;

    public EngineHistoryJob(ObjectProvider<EngineHistory> history, ObjectProvider<EvidenceWriter> writer) {
        this.history = history;
        this.writer = writer;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        List<HistoryEventHandler> handlers = new ArrayList<>();
        if (configuration.getCustomHistoryEventHandlers() != null) {
            handlers.addAll(configuration.getCustomHistoryEventHandlers());
        }
        handlers.add(new OnEnd());
        configuration.setCustomHistoryEventHandlers(handlers);
        List<JobHandler> jobHandlers = new ArrayList<>();
        if (configuration.getCustomJobHandlers() != null) {
            jobHandlers.addAll(configuration.getCustomJobHandlers());
        }
        jobHandlers.add(new Write());
        configuration.setCustomJobHandlers(jobHandlers);
    }

    /** Creates the job in the transaction that ends a drill or a release. */
    private static final class OnEnd implements HistoryEventHandler {

        @Override
        public void handleEvent(HistoryEvent event) {
            if (event instanceof HistoricProcessInstanceEventEntity instance && "end".equals(event.getEventType())
                    && (DrDrillProcess.PROCESS_KEY.equals(event.getProcessDefinitionKey())
                    || ReleaseSignoffProcess.PROCESS_KEY.equals(event.getProcessDefinitionKey()))) {
                CommandContext context = Context.getCommandContext();
                MessageEntity job = new MessageEntity();
                job.setJobHandlerType(TYPE);
                job.setJobHandlerConfiguration(new Ended(instance.getProcessInstanceId()));
                context.getJobManager().send(job);
            }
        }

        @Override
        public void handleEvents(List<HistoryEvent> events) {
            events.forEach(this::handleEvent);
        }
    }

    /** The ended process instance's id. */
    record Ended(String processInstanceId) implements JobHandlerConfiguration {
        @Override
        public String toCanonicalString() {
            return processInstanceId;
        }
    }

    private final class Write implements JobHandler<Ended> {

        @Override
        public String getType() {
            return TYPE;
        }

        @Override
        public void execute(Ended ended, ExecutionEntity execution, CommandContext context, String tenantId) {
            HistoryService service = context.getProcessEngineConfiguration().getHistoryService();
            HistoricProcessInstance instance = service.createHistoricProcessInstanceQuery()
                    .processInstanceId(ended.processInstanceId()).singleResult();
            if (instance == null) {
                return;
            }
            if (DrDrillProcess.PROCESS_KEY.equals(instance.getProcessDefinitionKey())) {
                write(service, instance.getId());
            } else {
                // a release: its sign-off rewrote the report of the drill it called
                service.createHistoricProcessInstanceQuery().superProcessInstanceId(instance.getId())
                        .processDefinitionKey(DrDrillProcess.PROCESS_KEY).finished().list()
                        .forEach(drill -> write(service, drill.getId()));
            }
        }

        private void write(HistoryService service, String drillId) {
            Map<String, Object> variables = new HashMap<>();
            for (HistoricVariableInstance variable : service.createHistoricVariableInstanceQuery()
                    .processInstanceId(drillId).list()) {
                variables.put(variable.getName(), variable.getValue());
            }
            Optional<Path> dir = DrDrillProcess.Variables.EVIDENCE_DIR.from(variables);
            Optional<Path> report = DrDrillProcess.Variables.REPORT_PATH.from(variables);
            if (dir.isEmpty() || report.isEmpty()) {
                return;
            }
            EvidencePaths paths = new EvidencePaths(report.get(), DrDrillProcess.Variables.EVENTS_PATH.from(variables)
                    .orElse(dir.get().resolve(EvidencePaths.EVENTS_FILE)), dir.get());
            if (!Files.isDirectory(paths.evidenceDir(), LinkOption.NOFOLLOW_LINKS)) {
                // removed since (or never shared with this node): nothing to write beside, nothing to retry
                LOG.warn("engine history of {} not written: evidence folder {} is missing", drillId,
                        paths.evidenceDir());
                return;
            }
            try {
                history.getObject().writeEvidence(drillId, paths);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + paths.engineHistory() + ": " + e.getMessage(), e);
            }
            if (Files.isRegularFile(paths.report(), LinkOption.NOFOLLOW_LINKS)) {
                writer.getObject().attest(paths.report(), paths.evidenceDir());
            }
        }

        @Override
        public Ended newConfiguration(String canonicalString) {
            return new Ended(canonicalString);
        }

        @Override
        public void onDelete(Ended configuration, JobEntity jobEntity) {
        }
    }
}
