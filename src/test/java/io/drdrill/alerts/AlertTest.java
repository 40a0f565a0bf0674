package io.drdrill.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.evidence.DrillStatus;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What an alert says and when there is one, without an engine or a receiver. */
class AlertTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyVerdictButAPassCallsForAFailureAlert() {
        // Given drills that failed, violated a policy and were invalid
        // When an alert is decided for each, whatever came before
        // Then each is a failure alert
        for (DrillStatus status : List.of(DrillStatus.FAILED, DrillStatus.POLICY_VIOLATION, DrillStatus.INVALID)) {
            assertThat(Alert.decide(outcome(status), Optional.of(DrillStatus.PASSED)))
                    .hasValueSatisfying(a -> assertThat(a.kind()).isEqualTo(Alert.Kind.FAILED));
            assertThat(Alert.decide(outcome(status), Optional.empty())).isPresent();
        }
    }

    @Test
    void aPassIsAnnouncedOnlyWhenThePreviousDrillDidNotPass() {
        // Given a passed drill
        DrillOutcome passed = outcome(DrillStatus.PASSED);

        // When an alert is decided after a failure, after a pass and with no previous drill
        // Then only the pass after the failure is announced, as recovered
        assertThat(Alert.decide(passed, Optional.of(DrillStatus.POLICY_VIOLATION)))
                .hasValueSatisfying(a -> assertThat(a.kind()).isEqualTo(Alert.Kind.RECOVERED));
        assertThat(Alert.decide(passed, Optional.of(DrillStatus.PASSED))).isEmpty();
        assertThat(Alert.decide(passed, Optional.empty())).isEmpty();
    }

    @Test
    void theJsonBodyHoldsEveryFactWithItsExactTextAndTheSlackSummary() throws Exception {
        // Given a failure alert whose error quotes Slack markup and a control character from an input
        Alert alert = Alert.decide(outcome(DrillStatus.FAILED, "digest mismatch <!channel> & \u001b[2J"),
                Optional.of(DrillStatus.PASSED)).orElseThrow();

        // When the webhook body is built
        JsonNode body = JSON.readTree(AlertMessage.json(alert));

        // Then the facts are there exactly, and the Slack text is one escaped line that can ping nobody
        assertThat(body.path("schema").asText()).isEqualTo("dr_drill_alert.v1");
        assertThat(body.path("alert").asText()).isEqualTo("failed");
        assertThat(body.path("status").asText()).isEqualTo("failed");
        assertThat(body.path("previous_status").asText()).isEqualTo("passed");
        assertThat(body.path("failed_stage").asText()).isEqualTo("verify_backup_digest");
        assertThat(body.path("error").asText()).isEqualTo("digest mismatch <!channel> & \u001b[2J");
        assertThat(body.path("rto").path("seconds").isNull()).isTrue();
        assertThat(body.path("rto").path("limit_seconds").asDouble()).isEqualTo(900.0);
        assertThat(body.path("rpo").path("minutes").asDouble()).isEqualTo(30.0);
        assertThat(body.path("rpo").path("limit_minutes").asDouble()).isEqualTo(60.0);
        assertThat(body.path("run_id").asText()).isEqualTo("drill-1");
        assertThat(body.path("process_instance_id").asText()).isEqualTo("pi-1");
        assertThat(body.path("evidence").asText()).isEqualTo("https://evidence.example/drill-1/dr-report.json");
        assertThat(body.path("text").asText()).isEqualTo("DR drill FAILED at verify_backup_digest: catalog/m.json: "
                + "digest mismatch &lt;!channel&gt; &amp; \\x1b[2J | RTO n/a (limit 900s), RPO 30.0m (limit 60m) "
                + "| run drill-1 | evidence: https://evidence.example/drill-1/dr-report.json");
    }

    @Test
    void theMailNamesStatusAndManifestInItsSubjectAndTheFactsInItsBody() {
        // Given a recovered alert
        Alert alert = Alert.decide(outcome(DrillStatus.PASSED), Optional.of(DrillStatus.FAILED)).orElseThrow();

        // When the mail is built
        // Then the subject says recovered and names the manifest, and the body holds the facts line by line
        assertThat(AlertMessage.mailSubject(alert)).isEqualTo("[dr-drill] RECOVERED: catalog/m.json");
        assertThat(AlertMessage.mailBody(alert)).startsWith("DR drill RECOVERED: catalog/m.json passed again "
                        + "(previous drill: failed)")
                .contains("\nStatus: passed\n", "\nPrevious drill: failed\n", "\nRun id: drill-1\n",
                        "\nProcess instance: pi-1\n", "\nRPO: 30.0m (limit 60m)\n");
    }

    @Test
    void aRetryResendsOnlyToTheChannelsThatFailed() {
        // Given two channels, the second of which fails once
        List<String> sent = new ArrayList<>();
        int[] failuresLeft = {1};
        AlertChannel first = channel("first", sent, new int[]{0});
        AlertChannel second = channel("second", sent, failuresLeft);
        AlertDispatch dispatch = new AlertDispatch(List.of(first, second),
                Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));
        Alert alert = Alert.decide(outcome(DrillStatus.FAILED), Optional.empty()).orElseThrow();

        // When the alert is sent, and sent again with what the first attempt recorded
        AlertDispatch.Result attempt = dispatch.send(alert, AlertDelivery.of(alert));
        AlertDispatch.Result retry = dispatch.send(alert, attempt.delivery());

        // Then the first channel got it once, the second on the retry, and the record says so
        assertThat(attempt.complete()).isFalse();
        assertThat(attempt.failures()).containsExactly("second: down");
        assertThat(retry.complete()).isTrue();
        assertThat(sent).containsExactly("first", "second");
        assertThat(retry.delivery().channels().get("second").attempts()).isEqualTo(2);
        assertThat(retry.delivery().channels().get("first").deliveredAt()).isEqualTo("2026-12-01T00:00:00Z");
    }

    @Test
    void aMissedScheduledRunSaysWhichManifestWhichSlotAndWhyWithItsTextsSafeForSlackAndTerminals() throws Exception {
        // Given a run of a manifest whose name carries Slack markup and an escape sequence, held back by a drill
        MissedRun missed = new MissedRun("pay<ments>\u001b[2J/manifest.json", "0 0 3 ? * MON", "2026-12-07T03:00:00Z",
                "a drill of this manifest is still running", "pi-42");

        // When its webhook body and mail are built
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(missed.json());

        // Then the JSON keeps the exact facts, the Slack text and the mail escape what they must
        assertThat(json.path("alert").asText()).isEqualTo("missed");
        assertThat(json.path("manifest").asText()).isEqualTo("pay<ments>\u001b[2J/manifest.json");
        assertThat(json.path("due_at").asText()).isEqualTo("2026-12-07T03:00:00Z");
        assertThat(json.path("blocking_drill").asText()).isEqualTo("pi-42");
        assertThat(json.path("text").asText()).isEqualTo("DR drill MISSED: pay&lt;ments&gt;\\x1b[2J/manifest.json: "
                + "the scheduled run due 2026-12-07T03:00:00Z (cron '0 0 3 ? * MON') did not start: a drill of this "
                + "manifest is still running (drill pi-42)");
        assertThat(missed.mailSubject()).isEqualTo("[dr-drill] MISSED: pay<ments>\\x1b[2J/manifest.json");
        assertThat(missed.mailBody()).contains("Still running: pi-42").doesNotContain("\u001b");
        assertThat(AlertDelivery.of(missed).alert()).isEqualTo("missed");
    }

    private static AlertChannel channel(String id, List<String> sent, int[] failuresLeft) {
        return new AlertChannel() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String describe() {
                return id;
            }

            @Override
            public void send(Notification alert) {
                if (failuresLeft[0]-- > 0) {
                    throw new AlertNotDelivered(id + ": down");
                }
                sent.add(id);
            }
        };
    }

    private static DrillOutcome outcome(DrillStatus status) {
        return outcome(status, "digest mismatch");
    }

    private static DrillOutcome outcome(DrillStatus status, String error) {
        boolean passed = status == DrillStatus.PASSED;
        return new DrillOutcome("catalog/m.json", status,
                passed ? Optional.empty() : Optional.of("verify_backup_digest"),
                passed ? Optional.empty() : Optional.of(error),
                passed ? Optional.of(0.8) : Optional.empty(), Optional.of(900.0), Optional.of(30.0), Optional.of(60.0),
                "drill-1", "pi-1", Optional.of("https://evidence.example/drill-1/dr-report.json"));
    }
}
