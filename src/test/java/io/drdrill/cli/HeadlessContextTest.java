package io.drdrill.cli;

import io.drdrill.DrDrillApplication;
import io.drdrill.alerts.AlertDispatch;
import io.drdrill.evidence.EvidencePaths;
import io.drdrill.testsupport.ProcessTests;
import io.drdrill.testsupport.TestBundle;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.util.ClassUtils;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headless run starts no health, metrics or other actuator beans, though the actuator is on the class path, and
 * its engine works on the mappings read early: the statements its drills run are the ones built ahead.
 */
class HeadlessContextTest {

    @Test
    void theHeadlessApplicationContextHasNoActuatorBean(@TempDir Path dir) {
        // Given the application as `dr-drill run` starts it: cli profile, no web server
        SpringApplicationBuilder headless = headless(dir, "headless-context-test");

        // When it has started
        try (ConfigurableApplicationContext context = headless.run()) {
            // Then no bean comes from the actuator, and there is no meter registry or health contributor
            List<String> actuatorBeans = Arrays.stream(context.getBeanDefinitionNames())
                    .filter(name -> {
                        Class<?> type = context.getType(name);
                        return name.contains("actuate") || (type != null && (type.getName().startsWith(
                                "org.springframework.boot.actuate") || type.getName().startsWith("io.micrometer")));
                    }).toList();
            assertThat(actuatorBeans).isEmpty();
            assertThat(context.getBeansOfType(MeterRegistry.class)).isEmpty();
            assertThat(context.getBeansOfType(HealthContributor.class)).isEmpty();
            // nor is evidence served over HTTP
            assertThat(context.containsBean("drillEvidence")).isFalse();
        }
    }

    @Test
    void theHeadlessEngineIsMadeForOneShortRunAndKeepsFullHistory(@TempDir Path dir) {
        // Given the application as `dr-drill run` starts it
        SpringApplicationBuilder headless = headless(dir, "headless-engine-test");

        // When it has started
        try (ConfigurableApplicationContext context = headless.run()) {
            ProcessEngineConfigurationImpl engine = context.getBean(ProcessEngineConfigurationImpl.class);

            // Then its engine has no job executor (the command runs the jobs), no decision or case engine, no
            // usage metrics, and full history (engine-history.ndjson is written from it)
            assertThat(engine.isJobExecutorActivate()).isFalse();
            assertThat(engine.isDmnEnabled()).isFalse();
            assertThat(engine.isCmmnEnabled()).isFalse();
            assertThat(engine.isMetricsEnabled()).isFalse();
            assertThat(engine.isDbMetricsReporterActivate()).isFalse();
            assertThat(engine.getHistoryLevel().getName()).isEqualTo("full");
            // and the drill's beans are made when first asked for
            assertThat(context.getBeanFactory().getBeanDefinition("headlessDrill").isLazyInit()).isTrue();
        }
    }

    @Test
    void theHeadlessEngineTakesTheMappingsReadEarlyAndItsStartReadsNoDeferredFile(@TempDir Path dir) {
        // Given the engine's mappings being read early, as `dr-drill run` starts that read before Spring
        EarlyMappings.start();
        SpringApplicationBuilder headless = headless(dir, "headless-early-mappings-test");
        int lateReads = EarlyMappings.lateReads();

        // When the headless application has started (schema created, processes deployed)
        try (ConfigurableApplicationContext context = headless.run()) {
            ProcessEngineConfigurationImpl engine = context.getBean(ProcessEngineConfigurationImpl.class);

            // Then its engine works on the early read, with the engine's transaction factory and data source,
            // and none of the deferred files was needed
            assertThat(engine.getSqlSessionFactory().getConfiguration())
                    .isInstanceOf(EarlyMappings.DeferringConfiguration.class);
            assertThat(engine.getSqlSessionFactory().getConfiguration().getEnvironment().getDataSource())
                    .isSameAs(engine.getDataSource());
            assertThat(engine.getSqlSessionFactory().getConfiguration().getEnvironment().getTransactionFactory())
                    .isSameAs(engine.getTransactionFactory());
            assertThat(engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey("dr-drill")
                    .count()).isEqualTo(1);
            assertThat(EarlyMappings.lateReads()).isEqualTo(lateReads);
        }
    }

    @Test
    void aPassedFailedPolicyViolatingAndInvalidDrillAskForNoStatementOutsideTheListBuiltAheadAndReadNoDeferredFile(
            @TempDir Path dir) throws Exception {
        // Given the engine on the mappings read early, and four bundles: sound, tampered, too old, invalid
        TestBundle sound = TestBundle.create(dir.resolve("sound")).write();
        TestBundle tampered = TestBundle.create(dir.resolve("tampered")).write();
        Files.writeString(tampered.backupPath(), "{}", StandardOpenOption.APPEND);
        TestBundle old = TestBundle.create(dir.resolve("old")).withPolicies(60.0, 900.0)
                .withCapturedAt(Instant.now().minus(Duration.ofDays(30)))
                .write();
        TestBundle invalid = TestBundle.create(dir.resolve("invalid"))
                .withManifestTweak(manifest -> manifest.put("unknown_field", 1)).write();
        EarlyMappings.start();
        int lateReads = EarlyMappings.lateReads();
        SpringApplicationBuilder headless = headless(dir, "headless-drill-statements-test")
                .properties(Map.of("drdrill.manifests-dir", Path.of(System.getProperty("java.io.tmpdir"))
                                .toRealPath().toString(),
                        "drdrill.trusted-caller", "true", "drdrill.review-failed-drills", "false"));

        try (ConfigurableApplicationContext context = headless.run()) {
            HeadlessDrill drill = context.getBean(HeadlessDrill.class);
            EarlyMappings.DeferringConfiguration mappings = (EarlyMappings.DeferringConfiguration) context
                    .getBean(ProcessEngineConfigurationImpl.class).getSqlSessionFactory().getConfiguration();

            // When each is drilled as `dr-drill run` drills it
            List<ExitCode> exits = new ArrayList<>();
            for (TestBundle bundle : List.of(sound, tampered, old, invalid)) {
                EvidencePaths paths = EvidencePaths.in(bundle.dir().resolve("out"));
                exits.add(RunCommand.drill(drill, ProcessTests.headlessVariables(bundle, paths), paths).exit());
            }

            // Then each ended as such a drill ends, every statement they ran was on the list built ahead, and
            // none of the deferred files was read
            assertThat(exits).containsExactly(ExitCode.PASSED, ExitCode.FAILED, ExitCode.POLICY_VIOLATION,
                    ExitCode.INVALID);
            assertThat(mappings.builtUnlisted()).isEmpty();
            assertThat(EarlyMappings.lateReads()).isEqualTo(lateReads);
        }
    }

    @Test
    void theFilterKeepsOnlyTheDrillsAutoConfigurationsInTheCliProfileAndLetsTheirImportsPass() {
        // Given an actuator auto-configuration, a web one, one a drill uses, and a class that one imports
        String[] candidates = {"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
                "org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceConfiguration$Hikari"};
        HeadlessAutoConfigurationFilter cli = filter("cli");
        HeadlessAutoConfigurationFilter serve = filter("serve");

        // When each filter matches them
        // Then the cli profile drops the actuator's and the web one, the server keeps all
        assertThat(cli.match(candidates, null)).containsExactly(false, false, true, true);
        assertThat(serve.match(candidates, null)).containsExactly(true, true, true, true);
    }

    @Test
    void theHeadlessContextReadsOnlyTheAutoConfigurationsOnTheListAndStillSetsUpMailAlerts(@TempDir Path dir) {
        // Given the application as `dr-drill run` starts it, with alerts by mail configured
        SpringApplicationBuilder headless = headless(dir, "headless-auto-configurations-test")
                .properties(Map.of("spring.mail.host", "127.0.0.1", "spring.mail.port", "2525",
                        "drdrill.alerts.mail.to", "dr-team@example.org",
                        "drdrill.alerts.mail.from", "dr-drill@example.org"));

        // When it has started
        try (ConfigurableApplicationContext context = headless.run()) {
            // Then every auto-configuration bean in it is one of the list's, each of the list's (but the mail
            // check, which is off by default) is there, and the alert dispatch has its mail channel
            Set<String> declared = new HashSet<>();
            ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).forEach(declared::add);
            Set<String> autoConfigurations = new TreeSet<>();
            for (String name : context.getBeanDefinitionNames()) {
                Class<?> type = context.getType(name);
                if (type != null && declared.contains(ClassUtils.getUserClass(type).getName())) {
                    autoConfigurations.add(ClassUtils.getUserClass(type).getName());
                }
            }
            Set<String> expected = new TreeSet<>(HeadlessAutoConfigurationFilter.HEADLESS);
            expected.remove("org.springframework.boot.autoconfigure.mail.MailSenderValidatorAutoConfiguration");
            assertThat(autoConfigurations).isEqualTo(expected);
            assertThat(context.getBeansOfType(JavaMailSender.class)).hasSize(1);
            assertThat(context.getBean(AlertDispatch.class).hasChannels()).isTrue();
        }
    }

    private static HeadlessAutoConfigurationFilter filter(String profile) {
        HeadlessAutoConfigurationFilter filter = new HeadlessAutoConfigurationFilter();
        filter.setEnvironment(new MockEnvironment().withProperty("spring.profiles.active", profile));
        filter.setBeanClassLoader(HeadlessContextTest.class.getClassLoader());
        return filter;
    }

    /** The application as `dr-drill run` starts it: cli profile, no web server, an in-memory database of its own. */
    private static SpringApplicationBuilder headless(Path dir, String database) {
        return new SpringApplicationBuilder(DrDrillApplication.class)
                .web(WebApplicationType.NONE).profiles("cli")
                .properties(Map.of("drdrill.manifests-dir", dir.toString(),
                        "logging.file.name", dir.resolve("dr-drill.log").toString(),
                        "spring.datasource.url", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1"))
                .logStartupInfo(false);
    }
}
