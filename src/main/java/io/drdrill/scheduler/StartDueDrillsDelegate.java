package io.drdrill.scheduler;

import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.schedule.DueRule;
import io.drdrill.schedule.Schedule;
import io.drdrill.schedule.ScheduleDecision;
import io.drdrill.step.Text;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.NOTE;
import static io.drdrill.process.DrDrillProcess.Variables.STARTED_BY;
import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.CATALOG_SIZE;
import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.MISSED_RUNS;
import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.SCHEDULED_MANIFESTS;
import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.SKIPPED_DRILLS;
import static io.drdrill.scheduler.DrillSchedulerProcess.Variables.STARTED_DRILLS;

/**
 * One scheduler tick ({@code Task_StartDueDrills}): lists the catalog as it is now, and for each scheduled
 * manifest asks {@link DueRule} whether a run is due, counting from the last drill the scheduler started for it
 * (the engine's history is the record: the last {@code dr-drill} with that business key and
 * {@code startedBy = scheduler}). A due manifest whose drill is still running is skipped and the skip recorded.
 * Drills start as the scheduler, not as a user, each in a transaction of its own.
 */
@Component(DrillSchedulerProcess.Delegates.START_DUE_DRILLS)
@EnableConfigurationProperties(ScheduleSettings.class)
public class StartDueDrillsDelegate implements JavaDelegate {

    private static final Logger LOG = LoggerFactory.getLogger(StartDueDrillsDelegate.class);

    private final ManifestCatalog catalog;
    private final ScheduleSettings settings;
    private final ApplicationEventPublisher events;
    private final ManifestLoader loader = new ManifestLoader();

    public StartDueDrillsDelegate(ManifestCatalog catalog, ScheduleSettings settings,
                                  ApplicationEventPublisher events) {
        this.catalog = catalog;
        this.settings = settings;
        this.events = events;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Instant now = ClockUtil.getCurrentTime().toInstant();
        ZoneId zone = ZoneId.systemDefault();
        List<String> manifests = catalog.list();
        Optional<Instant> previousTick = previousTick(execution);
        List<ScheduledRuns.Run> started = new ArrayList<>();
        List<ScheduledRuns.Run> skipped = new ArrayList<>();
        int scheduled = 0;
        for (String name : manifests) {
            Optional<Schedule> schedule = scheduleOf(name);
            if (schedule.isEmpty()) {
                continue;
            }
            scheduled++;
            ScheduleDecision decision = DueRule.decide(schedule.get(), lastScheduledStart(execution, name),
                    previousTick, now, zone);
            if (!decision.due()) {
                continue;
            }
            String slot = decision.firstMissed().map(Instant::toString).orElse(null);
            Optional<String> running = runningDrill(execution, name);
            if (running.isPresent()) {
                LOG.info("scheduled drill of {} skipped: drill {} of it is still running", name, running.get());
                skipped.add(new ScheduledRuns.Run(name, schedule.get().cron(), slot, decision.missedSlots(),
                        running.get(), "a drill of this manifest is still running"));
                continue;
            }
            try {
                String id = startAsScheduler(execution, name, schedule.get(), decision);
                LOG.info("scheduled drill of {} started: {} (cron '{}', {} slot(s) since the last scheduled start)",
                        name, id, schedule.get().cron(), decision.missedSlots());
                started.add(new ScheduledRuns.Run(name, schedule.get().cron(), slot, decision.missedSlots(), id, null));
            } catch (RuntimeException refused) {
                String reason = Text.shorten(String.valueOf(refused.getMessage()), 500);
                LOG.warn("scheduled drill of {} not started: {}", name, reason);
                skipped.add(new ScheduledRuns.Run(name, schedule.get().cron(), slot, decision.missedSlots(), null,
                        "the start was refused: " + reason));
            }
        }
        CATALOG_SIZE.set(execution, manifests.size());
        SCHEDULED_MANIFESTS.set(execution, scheduled);
        STARTED_DRILLS.set(execution, new ScheduledRuns(started));
        SKIPPED_DRILLS.set(execution, new ScheduledRuns(skipped));
        MISSED_RUNS.set(execution, skipped.size());
        events.publishEvent(new CatalogListed(manifests));
    }

    /** The manifest's own schedule, else the catalog-wide default; a manifest that no longer loads has none. */
    private Optional<Schedule> scheduleOf(String name) {
        try {
            return loader.load(catalog.resolve(name)).schedule().or(settings::defaultSchedule);
        } catch (RuntimeException unreadable) {
            return Optional.empty(); // changed between the listing and now: the next tick sees it as it is
        }
    }

    private static Optional<Instant> lastScheduledStart(DelegateExecution execution, String name) {
        HistoryService history = execution.getProcessEngineServices().getHistoryService();
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .processInstanceBusinessKey(name)
                .variableValueEquals(STARTED_BY.name(), DrDrillProcess.STARTED_BY_SCHEDULER)
                .orderByProcessInstanceStartTime().desc().listPage(0, 1).stream()
                .map(instance -> instance.getStartTime().toInstant()).findFirst();
    }

    /**
     * The reference of a manifest the scheduler never started: the tick before this one, or, on the very first
     * tick, when the scheduler was first deployed. A manifest dropped into the catalog then runs at its first
     * fire time after it appeared, not at once.
     */
    private static Optional<Instant> previousTick(DelegateExecution execution) {
        HistoryService history = execution.getProcessEngineServices().getHistoryService();
        Optional<Instant> tick = history.createHistoricProcessInstanceQuery()
                .processDefinitionKey(DrillSchedulerProcess.PROCESS_KEY).orderByProcessInstanceStartTime().desc()
                .listPage(0, 2).stream().filter(i -> !i.getId().equals(execution.getProcessInstanceId()))
                .map(HistoricProcessInstance::getStartTime).map(java.util.Date::toInstant).findFirst();
        if (tick.isPresent()) {
            return tick;
        }
        RepositoryService repository = execution.getProcessEngineServices().getRepositoryService();
        return repository.createProcessDefinitionQuery().processDefinitionKey(DrillSchedulerProcess.PROCESS_KEY)
                .orderByProcessDefinitionVersion().asc().listPage(0, 1).stream().map(ProcessDefinition::getDeploymentId)
                .map(id -> repository.createDeploymentQuery().deploymentId(id).singleResult())
                .filter(java.util.Objects::nonNull).map(d -> d.getDeploymentTime().toInstant()).findFirst();
    }

    /** A drill of this manifest still under way: one the scheduler started, or one anybody started. */
    private static Optional<String> runningDrill(DelegateExecution execution, String name) {
        RuntimeService runtime = execution.getProcessEngineServices().getRuntimeService();
        return runtime.createProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                .processInstanceBusinessKey(name).listPage(0, 1).stream().map(ProcessInstance::getId).findFirst()
                .or(() -> runtime.createProcessInstanceQuery().processDefinitionKey(DrDrillProcess.PROCESS_KEY)
                        .variableValueEquals(MANIFEST.name(), name).listPage(0, 1).stream()
                        .map(ProcessInstance::getId).findFirst());
    }

    /**
     * Starts {@code dr-drill} with no authenticated user (the engine records no start user; four-eyes and the
     * start listener see the scheduler, not whoever ran this job), in a transaction of its own: a start the drill
     * refuses rolls back alone, and a started drill stays recorded even if this tick fails later.
     */
    private static String startAsScheduler(DelegateExecution execution, String name, Schedule schedule,
                                           ScheduleDecision decision) {
        Map<String, Object> variables = new HashMap<>();
        MANIFEST.put(variables, name);
        STARTED_BY.put(variables, DrDrillProcess.STARTED_BY_SCHEDULER);
        NOTE.put(variables, "Scheduled drill (cron '" + schedule.cron() + "', slot "
                + decision.firstMissed().map(Instant::toString).orElse("?")
                + (decision.missedSlots() > 1 ? ", " + decision.missedSlots() + " slots missed, run once" : "") + ")");
        ProcessEngineConfigurationImpl configuration =
                (ProcessEngineConfigurationImpl) execution.getProcessEngine().getProcessEngineConfiguration();
        IdentityService identity = configuration.getIdentityService();
        RuntimeService runtime = configuration.getRuntimeService();
        Authentication caller = identity.getCurrentAuthentication();
        identity.clearAuthentication();
        try {
            return configuration.getCommandExecutorTxRequiresNew().execute(context ->
                    runtime.startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, name, variables).getId());
        } finally {
            if (caller != null) {
                identity.setAuthentication(caller);
            }
        }
    }
}
