package io.drdrill.cli;

import io.drdrill.evidence.EvidencePaths;
import io.drdrill.testsupport.DrillEngineTest;
import io.drdrill.testsupport.Hostile;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import io.drdrill.testsupport.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts in headless mode, as {@code bin/dr-drill run} runs a drill: a failing alert is tried a bounded number of
 * times and reported on one stderr line, and the verdict and exit code stay the drill's.
 */
@DrillEngineTest
@TestPropertySource(properties = {"drdrill.trusted-caller=true", "drdrill.alerts.headless-attempts=2"})
class HeadlessAlertTest {

    private static final WebhookReceiver WEBHOOK = WebhookReceiver.start();

    @DynamicPropertySource
    static void receiver(DynamicPropertyRegistry registry) {
        registry.add("drdrill.alerts.webhooks[0].url", () -> WEBHOOK.url("/hook"));
    }

    @Autowired
    HeadlessDrill headless;

    @TempDir
    Path dir;

    @BeforeEach
    void emptyReceiver() {
        WEBHOOK.reset();
    }

    @AfterAll
    static void stopWebhook() {
        WEBHOOK.close();
    }

    @Test
    void aFailedDrillWhoseWebhookIsDownKeepsItsExitCodeAndSaysOnOneLineThatTheAlertWasNotSent() throws IOException {
        // Given a webhook that is down, and a tampered backup
        WEBHOOK.alwaysAnswer(503);
        TestBundle bundle = tampered(TestBundle.create(dir.resolve("bundle")).write());

        // When the drill runs as the headless command runs it
        RunCommand.Outcome outcome = RunCommand.drill(headless, variables(bundle), paths());

        // Then the verdict is the drill's (exit 1), the alert was tried twice, and one safe line says it was not sent
        assertThat(outcome.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(outcome.line()).startsWith("[dr-drill] FAIL at verify_backup_digest");
        assertThat(WEBHOOK.requests()).hasSize(2);
        assertThat(outcome.alertNotSent()).hasValue("[dr-drill] ALERT NOT SENT: alert not delivered: webhook[0] "
                + "(127.0.0.1): HTTP 503 (2 attempts); the verdict and exit code are the drill's");
        Hostile.assertTerminalSafe(outcome.alertNotSent().orElseThrow());
    }

    @Test
    void aRecoveredPassWhoseWebhookIsDownIsStillAPass() throws IOException {
        // Given a manifest whose previous drill failed, and a webhook that went down since
        TestBundle bundle = tampered(TestBundle.create(dir.resolve("bundle")).write());
        assertThat(RunCommand.drill(headless, variables(bundle), paths()).alertNotSent()).isEmpty();
        bundle.write();
        WEBHOOK.alwaysAnswer(503);

        // When the repaired bundle is drilled headless
        RunCommand.Outcome outcome = RunCommand.drill(headless, variables(bundle), paths());

        // Then it passes with exit 0, never 4, and the lost "recovered" alert is reported beside the verdict
        assertThat(outcome.exit()).isEqualTo(ExitCode.PASSED);
        assertThat(outcome.line()).startsWith("[dr-drill] PASS: ");
        assertThat(outcome.alertNotSent()).hasValueSatisfying(line -> assertThat(line).contains("HTTP 503"));
        assertThat(WEBHOOK.requests()).hasSize(1 + 2);
        assertThat(WEBHOOK.requests().get(1).body()).contains("\"alert\":\"recovered\"");
    }

    @Test
    void aWebhookThatAnswersGetsTheAlertOnceAndNothingIsReported() throws IOException {
        // Given a webhook that is up, and a tampered backup
        TestBundle bundle = tampered(TestBundle.create(dir.resolve("bundle")).write());

        // When the drill runs headless
        RunCommand.Outcome outcome = RunCommand.drill(headless, variables(bundle), paths());

        // Then the alert went out once and only the verdict is printed
        assertThat(outcome.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(outcome.alertNotSent()).isEmpty();
        assertThat(WEBHOOK.requests()).singleElement()
                .satisfies(r -> assertThat(r.body()).contains("\"status\":\"failed\""));
    }

    private EvidencePaths paths() {
        return EvidencePaths.in(dir.resolve("out"));
    }

    private Map<String, Object> variables(TestBundle bundle) {
        EvidencePaths paths = paths();
        return ProcessTests.headlessVariables(bundle, paths);
    }

    private static TestBundle tampered(TestBundle bundle) throws IOException {
        byte[] bytes = Files.readAllBytes(bundle.backupPath());
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(bundle.backupPath(), bytes);
        return bundle;
    }
}
