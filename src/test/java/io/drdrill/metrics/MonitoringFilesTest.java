package io.drdrill.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the Prometheus rules shipped in {@code docker/} are valid and ask only for metrics
 * the server exports (the rules' own behaviour is tested by {@code promtool test rules} in CI).
 */
class MonitoringFilesTest {

    /** The names {@link HealthAndMetricsIT} finds on /actuator/prometheus. */
    static final Set<String> EXPORTED = Set.of("drdrill_drills_total", "drdrill_step_duration_seconds_bucket",
            "drdrill_last_rto_seconds", "drdrill_last_rpo_minutes", "drdrill_last_success_timestamp_seconds",
            "drdrill_rto_limit_seconds", "drdrill_rpo_limit_minutes", "drdrill_open_reviews",
            "drdrill_open_approvals", "drdrill_incidents");
    private static final Pattern METRIC = Pattern.compile("\\bdrdrill_[a-z_]+");

    @Test
    void theDashboardIsJsonWithPanelsThatQueryExportedMetrics() throws Exception {
        // Given the dashboard
        JsonNode dashboard = TestBundle.JSON.readTree(Path.of("docker", "grafana", "dr-drill.json").toFile());

        // When the metric names of its panels' queries are collected
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                used.addAll(names(target.path("expr").asText()));
            }
        }

        // Then they are all exported, and the panels cover RTO/RPO and limits, outcomes, last success and tasks
        assertThat(EXPORTED).containsAll(used);
        assertThat(used).contains("drdrill_last_rto_seconds", "drdrill_rto_limit_seconds", "drdrill_last_rpo_minutes",
                "drdrill_rpo_limit_minutes", "drdrill_drills_total", "drdrill_last_success_timestamp_seconds",
                "drdrill_open_reviews", "drdrill_open_approvals", "drdrill_incidents");
    }

    @Test
    void theAlertRulesUseOnlyExportedMetrics() throws Exception {
        // Given the rules file, when its metric names are collected, then the server exports each of them
        Set<String> used = names(Files.readString(Path.of("docker", "prometheus", "alerts.yml")));
        assertThat(used).isNotEmpty();
        assertThat(EXPORTED).containsAll(used);
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
