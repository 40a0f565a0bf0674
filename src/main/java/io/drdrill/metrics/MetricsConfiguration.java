package io.drdrill.metrics;

import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.process.DrillSettings;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

import java.time.Duration;

/**
 * Server mode's health contributors ({@code engine}, {@code catalog}, {@code evidence}; Spring adds {@code db})
 * and the drill's meters. The headless run has no actuator at all (see {@code HeadlessAutoConfigurationFilter}).
 */
@Configuration
@Profile("serve")
public class MetricsConfiguration {

    @Bean
    DrillHistory drillHistory(HistoryService history, TaskService tasks, RuntimeService runtime,
                              ManifestCatalog catalog,
                              @Value("${drdrill.metrics.cache:PT5S}") Duration cache) {
        return new DrillHistory(history, tasks, runtime, catalog, cache);
    }

    @Bean
    DrillMetrics drillMetrics(DrillHistory history) {
        return new DrillMetrics(history);
    }

    @Bean
    HealthIndicator engineHealthIndicator(RepositoryService repository) {
        return DrillHealth.engine(repository);
    }

    @Bean
    HealthIndicator catalogHealthIndicator(ManifestCatalog catalog) {
        return DrillHealth.catalog(catalog);
    }

    @Bean
    HealthIndicator evidenceHealthIndicator(DrillSettings settings) {
        return DrillHealth.evidence(settings.evidenceDir());
    }
}
