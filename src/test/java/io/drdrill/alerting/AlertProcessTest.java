package io.drdrill.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.drdrill.alerts.AlertDelivery;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import io.drdrill.testsupport.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_FAILED;
import static io.drdrill.process.DrDrillProcess.Elements.END_DRILL_PASSED;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_ALERT_RESTORE_WAITING;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_RESTORE_AT_SITE;
import static io.drdrill.process.DrDrillProcess.Elements.TASK_SEND_ALERT_ON_FAILURE;
import static io.drdrill.process.DrDrillProcess.Variables.ALERT_DELIVERY;
import static io.drdrill.process.DrDrillProcess.Variables.DRILL_STATUS;
import static io.drdrill.process.DrDrillProcess.Variables.EVIDENCE_DIR;
import static io.drdrill.process.DrDrillProcess.Variables.MANIFEST;
import static io.drdrill.process.DrDrillProcess.Variables.REPORT_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

/**
 * Alerts on the application's engine, sent to real receivers: a webhook served by the JDK's HTTP server and a
 * GreenMail SMTP server, both on 127.0.0.1. Retries are driven by executing the alert job again.
 */
@DrillEngineTest
@TestPropertySource(properties = {"drdrill.trusted-caller=true",
        "drdrill.alerts.mail.to=dr-team@example.com,oncall@example.org",
        "drdrill.alerts.mail.from=dr-drill@example.com"})
class AlertProcessTest {

    private static final String HOOK_PATH = "/services/T000/B000/secret-path";
    private static final WebhookReceiver WEBHOOK = WebhookReceiver.start();
    private static final int SMTP_PORT = freePort();

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(
            new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)).withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void receivers(DynamicPropertyRegistry registry) {
        // a list is bound from one property source: a webhook's url and headers are given together
        registry.add("drdrill.alerts.webhooks[0].url", () -> WEBHOOK.url(HOOK_PATH));
        registry.add("drdrill.alerts.webhooks[0].headers.Authorization", () -> "Bearer test-token");
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP_PORT);
    }

    @Autowired
    ProcessEngine processEngine;

    @TempDir
    Path dir;

    @BeforeEach
    void emptyReceivers() throws Exception {
        WEBHOOK.reset();
        smtp.purgeEmailFromAllMailboxes();
    }

    @AfterAll
    static void stopWebhook() {
        WEBHOOK.close();
    }

    @Test
    void aFailedDrillPostsItsVerdictToTheWebhookAndMailsTheRecipients() throws Exception {
        // Given a bundle whose backup was tampered with
        TestBundle bundle = tampered(TestBundle.create(dir).write());

        // When the drill runs to its end
        ProcessInstance drill = start(bundle);
        runJobs(drill);

        // Then the webhook got one JSON POST with the facts, its header and a Slack text
        assertThat(drill).isEnded().hasPassed(TASK_SEND_ALERT_ON_FAILURE, END_DRILL_FAILED);
        WebhookReceiver.Request request = single(WEBHOOK.requests());
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(HOOK_PATH);
        assertThat(request.header("Authorization")).isEqualTo("Bearer test-token");
        assertThat(request.header("Content-Type")).startsWith("application/json");
        JsonNode body = TestBundle.JSON.readTree(request.body());
        String manifest = bundle.manifestPath().toRealPath().toString();
        assertThat(body.path("alert").asText()).isEqualTo("failed");
        assertThat(body.path("manifest").asText()).isEqualTo(manifest);
        assertThat(body.path("status").asText()).isEqualTo("failed");
        assertThat(body.path("failed_stage").asText()).isEqualTo("verify_backup_digest");
        assertThat(body.path("error").asText()).contains("digest mismatch");
        assertThat(body.path("rto").path("seconds").isNull()).isTrue();
        assertThat(body.path("run_id").asText()).startsWith("drill-");
        assertThat(body.path("process_instance_id").asText()).isEqualTo(drill.getId());
        assertThat(body.path("evidence").asText()).isEqualTo(report(bundle).toString());
        assertThat(body.path("text").asText()).startsWith("DR drill FAILED at verify_backup_digest: " + manifest
                + ": backup digest mismatch").contains("| run " + body.path("run_id").asText()).doesNotContain("\n");

        // and one mail to both recipients, with status and manifest in the subject and the facts in the body
        MimeMessage mail = single(mails());
        assertThat(mail.getAllRecipients()).extracting(Object::toString)
                .containsExactly("dr-team@example.com", "oncall@example.org");
        assertThat(smtp.getReceivedMessages()).as("one copy per recipient").hasSize(2);
        assertThat(mail.getSubject()).isEqualTo("[dr-drill] FAILED at verify_backup_digest: " + manifest);
        assertThat(mail.getFrom()[0].toString()).isEqualTo("dr-drill@example.com");
        assertThat(mail.getContent().toString()).contains("Status: failed", "Failed stage: verify_backup_digest",
                "Process instance: " + drill.getId(), "Evidence: " + report(bundle));
        AlertDelivery delivery = delivery(drill);
        assertThat(delivery.deliveredTo("webhook[0]")).isTrue();
        assertThat(delivery.deliveredTo("mail")).isTrue();
    }

    @Test
    void aWebhookThatIsDownAtFirstGetsTheAlertOnTheJobsRetryAndTheMailIsSentOnlyOnce() throws Exception {
        // Given a webhook that answers 503 twice, and a failed drill
        WEBHOOK.answer(503, 503);
        TestBundle bundle = tampered(TestBundle.create(dir).write());
        ProcessInstance drill = start(bundle);

        // When the drill runs, and its alert job is executed again each time it failed
        runJobs(drill);
        Job alert = alertJob(drill);
        assertThat(alert.getExceptionMessage()).isEqualTo("alert not delivered: webhook[0] (127.0.0.1): HTTP 503")
                .doesNotContain("secret-path");
        assertThat(drill).isWaitingAt(TASK_SEND_ALERT_ON_FAILURE);
        assertThatThrownBy(() -> managementService().executeJob(alert.getId())).hasMessageContaining("HTTP 503");
        managementService().executeJob(alert.getId());

        // Then the third attempt reached the webhook, the drill ended, and the mail went out once
        assertThat(drill).isEnded().hasPassed(END_DRILL_FAILED);
        assertThat(WEBHOOK.requests()).hasSize(3);
        assertThat(mails()).hasSize(1);
        assertThat(TestBundle.JSON.readTree(WEBHOOK.requests().get(2).body()).path("status").asText())
                .isEqualTo("failed");
        assertThat(delivery(drill).channels().get("webhook[0]").attempts()).isEqualTo(3);
        assertThat(delivery(drill).channels().get("mail").attempts()).isEqualTo(1);
    }

    @Test
    void aReceiverThatNeverTakesTheAlertEndsAsAnIncidentAndTheReportStillSaysWhatHappened() throws Exception {
        // Given a webhook that always answers 500, and a failed drill
        WEBHOOK.alwaysAnswer(500);
        TestBundle bundle = tampered(TestBundle.create(dir).write());
        ProcessInstance drill = start(bundle);

        // When the alert job is executed as often as its retries allow (R5/PT1M)
        runJobs(drill);
        Job alert = alertJob(drill);
        for (int attempt = 2; attempt <= 5; attempt++) {
            assertThatThrownBy(() -> managementService().executeJob(alert.getId())).hasMessageContaining("HTTP 500");
        }

        // Then the alert job is an incident, the drill waits there, and its verdict and report are the drill's
        Incident incident = runtimeService().createIncidentQuery().processInstanceId(drill.getId()).singleResult();
        assertThat(incident.getActivityId()).isEqualTo(TASK_SEND_ALERT_ON_FAILURE);
        assertThat(incident.getIncidentMessage()).isEqualTo("alert not delivered: webhook[0] (127.0.0.1): HTTP 500");
        assertThat(drill).isNotEnded().isWaitingAt(TASK_SEND_ALERT_ON_FAILURE);
        assertThat(WEBHOOK.requests()).hasSize(5);
        assertThat(mails()).hasSize(1);
        assertThat(runtimeService().getVariable(drill.getId(), DRILL_STATUS.name())).isEqualTo("failed");
        JsonNode report = TestBundle.JSON.readTree(report(bundle).toFile());
        assertThat(report.path("status").asText()).isEqualTo("failed");
        assertThat(report.path("failed_stage").asText()).isEqualTo("verify_backup_digest");
    }

    @Test
    void aPassAfterAFailedDrillOfTheSameManifestSendsRecovered() throws Exception {
        // Given a manifest whose last drill failed
        TestBundle bundle = tampered(TestBundle.create(dir).write());
        runJobs(start(bundle));
        WEBHOOK.reset();
        smtp.purgeEmailFromAllMailboxes();

        // When the backup is repaired and the same manifest is drilled again
        bundle.write();
        ProcessInstance drill = start(bundle);
        runJobs(drill);

        // Then the pass is announced as recovered, naming the previous verdict
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
        JsonNode body = TestBundle.JSON.readTree(single(WEBHOOK.requests()).body());
        assertThat(body.path("alert").asText()).isEqualTo("recovered");
        assertThat(body.path("status").asText()).isEqualTo("passed");
        assertThat(body.path("previous_status").asText()).isEqualTo("failed");
        assertThat(body.path("failed_stage").isNull()).isTrue();
        assertThat(body.path("rto").path("seconds").isNumber()).isTrue();
        assertThat(body.path("text").asText()).startsWith("DR drill RECOVERED: ")
                .contains("passed again (previous drill: failed)");
        MimeMessage mail = single(mails());
        assertThat(mail.getSubject()).isEqualTo("[dr-drill] RECOVERED: " + bundle.manifestPath().toRealPath());
    }

    @Test
    void aPassAfterAPassSendsNothing() throws Exception {
        // Given a manifest whose first drill passed (nothing before it: nothing to say)
        TestBundle bundle = TestBundle.create(dir).write();
        runJobs(start(bundle));

        // When it is drilled again and passes again
        ProcessInstance drill = start(bundle);
        runJobs(drill);

        // Then neither pass sent anything, and no delivery was recorded
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
        assertThat(WEBHOOK.requests()).isEmpty();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).variableName(ALERT_DELIVERY.name()).count()).isZero();
    }

    @Test
    void aCallerCannotStartADrillWithADeliveryRecordThatWouldSilenceItsAlert() throws Exception {
        // Given a tampered bundle, and a start that claims every channel was already told
        TestBundle bundle = tampered(TestBundle.create(dir).write());
        Map<String, Object> variables = new HashMap<>();
        MANIFEST.put(variables, ProcessTests.catalogName(bundle.manifestPath()));
        REPORT_PATH.put(variables, report(bundle));
        ALERT_DELIVERY.put(variables, new AlertDelivery("failed", null, Map.of(
                "webhook[0]", new AlertDelivery.Channel("2026-01-01T00:00:00Z", 1, null),
                "mail", new AlertDelivery.Channel("2026-01-01T00:00:00Z", 1, null))));

        // When the drill is started
        // Then the start is refused, and nothing was sent
        assertThatThrownBy(() -> runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables))
                .isInstanceOf(org.camunda.bpm.engine.AuthorizationException.class)
                .hasMessageContaining("variable 'alertDelivery' is set by this server, not by callers");
        assertThat(WEBHOOK.requests()).isEmpty();
    }

    @Test
    void aRestoreNoWorkerOfItsSiteTakesIsAlertedAfterTheWaitAndTheDrillKeepsWaitingForItsWorker() throws Exception {
        // Given a drill of site dc-x, whose site has no worker, waiting at its restore
        TestBundle bundle = TestBundle.create(dir).withManifestTweak(manifest ->
                ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("restore")).put("site", "dc-x")).write();
        ProcessInstance drill = start(bundle);
        runJobsServingNoRestore(drill);
        assertThat(drill).isWaitingAt(TASK_RESTORE_AT_SITE);
        Job timer = managementService().createJobQuery().processInstanceId(drill.getId()).timers().singleResult();
        assertThat(timer.getDuedate()).isAfter(java.util.Date.from(java.time.Instant.now().plusSeconds(14 * 60)));

        // When the configured wait (PT15M) has passed and the engine runs the timer and the alert job
        try {
            ClockUtil.setCurrentTime(java.util.Date.from(java.time.Instant.now().plusSeconds(16 * 60)));
            runJobsServingNoRestore(drill);
        } finally {
            ClockUtil.reset();
        }

        // Then the webhook and the mail recipients were told the restore waits for a worker at dc-x
        WebhookReceiver.Request request = single(WEBHOOK.requests());
        JsonNode body = TestBundle.JSON.readTree(request.body());
        String manifest = bundle.manifestPath().toRealPath().toString();
        assertThat(body.path("alert").asText()).isEqualTo("restore_waiting");
        assertThat(body.path("site").asText()).isEqualTo("dc-x");
        assertThat(body.path("manifest").asText()).isEqualTo(manifest);
        assertThat(body.path("waiting_since").asText()).isNotBlank();
        assertThat(body.path("process_instance_id").asText()).isEqualTo(drill.getId());
        assertThat(body.path("text").asText()).startsWith("DR drill WAITING: " + manifest
                + ": restore waiting for a worker at site dc-x since ");
        MimeMessage mail = single(mails());
        assertThat(mail.getSubject()).isEqualTo("[dr-drill] RESTORE WAITING at site dc-x: " + manifest);
        assertThat(mail.getContent().toString()).contains("Site: dc-x", "--site dc-x");

        // and the drill still waits for its worker; when one comes, it passes and nothing more is sent
        assertThat(drill).isWaitingAt(TASK_RESTORE_AT_SITE).hasPassed(TASK_ALERT_RESTORE_WAITING);
        runJobs(drill);
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED);
        assertThat(WEBHOOK.requests()).hasSize(1);
    }

    @Test
    void aDrillWhoseWorkerTakesTheRestoreInTimeSendsNoWaitAlert() throws Exception {
        // Given a drill whose restore the worker of its site takes at once
        TestBundle bundle = TestBundle.create(dir).write();
        ProcessInstance drill = start(bundle);

        // When it runs to its end, and the wait would have passed since
        runJobs(drill);
        try {
            ClockUtil.setCurrentTime(java.util.Date.from(java.time.Instant.now().plusSeconds(16 * 60)));
            assertThat(due(drill)).isEmpty();
        } finally {
            ClockUtil.reset();
        }

        // Then no wait alert was sent (nor any other: a first pass says nothing) and no timer is left
        assertThat(drill).isEnded().hasPassed(END_DRILL_PASSED).hasNotPassed(TASK_ALERT_RESTORE_WAITING);
        assertThat(WEBHOOK.requests()).isEmpty();
        assertThat(mails()).isEmpty();
        assertThat(managementService().createJobQuery().processInstanceId(drill.getId()).count()).isZero();
    }

    /** Runs due jobs without serving the restore task: the drill waits there as for a site without workers. */
    private static void runJobsServingNoRestore(ProcessInstance drill) {
        for (List<Job> jobs = due(drill); !jobs.isEmpty(); jobs = due(drill)) {
            jobs.forEach(job -> managementService().executeJob(job.getId()));
        }
    }

    private static TestBundle tampered(TestBundle bundle) throws IOException {
        byte[] bytes = Files.readAllBytes(bundle.backupPath());
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(bundle.backupPath(), bytes);
        return bundle;
    }

    private ProcessInstance start(TestBundle bundle) {
        Map<String, Object> variables = new HashMap<>();
        MANIFEST.put(variables, ProcessTests.catalogName(bundle.manifestPath()));
        REPORT_PATH.put(variables, report(bundle));
        EVIDENCE_DIR.put(variables, bundle.evidenceDir());
        return runtimeService().startProcessInstanceByKey(DrDrillProcess.PROCESS_KEY, variables);
    }

    private static Path report(TestBundle bundle) {
        return bundle.evidenceDir().resolve("dr-report.json");
    }

    /**
     * Executes due jobs (and serves the restore task) until none is due; an alert job that fails waits for its
     * retry, as on a server.
     */
    private static void runJobs(ProcessInstance drill) {
        for (List<Job> jobs = due(drill); !jobs.isEmpty() || ProcessTests.servedRestore(drill); jobs = due(drill)) {
            for (Job job : jobs) {
                try {
                    managementService().executeJob(job.getId());
                } catch (RuntimeException e) {
                    if (managementService().createJobQuery().jobId(job.getId()).singleResult() == null
                            || !DrDrillProcess.Elements.ALERT_TASKS.contains(
                            managementService().createJobQuery().jobId(job.getId()).singleResult().getFailedActivityId())) {
                        throw e;
                    }
                }
            }
        }
    }

    private static List<Job> due(ProcessInstance drill) {
        return managementService().createJobQuery().processInstanceId(drill.getId()).executable().list();
    }

    private static Job alertJob(ProcessInstance drill) {
        return managementService().createJobQuery().processInstanceId(drill.getId())
                .activityId(TASK_SEND_ALERT_ON_FAILURE).singleResult();
    }

    private AlertDelivery delivery(ProcessInstance drill) {
        var variable = processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(drill.getId()).variableName(ALERT_DELIVERY.name()).singleResult();
        return ALERT_DELIVERY.from(Map.of(variable.getName(), variable.getValue())).orElseThrow();
    }

    /** The mails sent, one per Message-ID: the SMTP server keeps a copy for each recipient. */
    private static List<MimeMessage> mails() {
        Map<String, MimeMessage> sent = new java.util.LinkedHashMap<>();
        for (MimeMessage copy : smtp.getReceivedMessages()) {
            try {
                sent.putIfAbsent(copy.getMessageID(), copy);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return List.copyOf(sent.values());
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
