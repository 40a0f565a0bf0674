package io.drdrill.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** No well-known password: the first server start makes one, shows it once, and keeps it private. */
class AdminBootstrapTest {

    @TempDir
    Path dataDir;

    @Test
    void theFirstStartGeneratesAStrongPasswordShownOnceAndStoredOwnerOnly() throws Exception {
        // Given a server start with no administrator configured
        StandardEnvironment first = server(Map.of());

        // When the environment is prepared, twice (a restart)
        String printed = capture(() -> new AdminBootstrap().postProcessEnvironment(first, new SpringApplication()));
        StandardEnvironment second = server(Map.of());
        String printedAgain = capture(() -> new AdminBootstrap().postProcessEnvironment(second, new SpringApplication()));

        // Then a 24-character password was printed once, stored owner-only, and reused after the restart
        String password = first.getProperty("camunda.bpm.admin-user.password");
        assertThat(first.getProperty("camunda.bpm.admin-user.id")).isEqualTo("admin");
        assertThat(password).hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(printed).contains(password);
        assertThat(printedAgain).isEmpty();
        assertThat(second.getProperty("camunda.bpm.admin-user.password")).isEqualTo(password);
        Path file = dataDir.resolve(AdminBootstrap.CREDENTIALS_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aConfiguredAdministratorIsLeftAlone() throws Exception {
        StandardEnvironment configured = server(Map.of("camunda.bpm.admin-user.id", "ops",
                "camunda.bpm.admin-user.password", "chosen-by-ops"));

        String printed = capture(() -> new AdminBootstrap().postProcessEnvironment(configured, new SpringApplication()));

        assertThat(printed).isEmpty();
        assertThat(configured.getProperty("camunda.bpm.admin-user.password")).isEqualTo("chosen-by-ops");
        assertThat(dataDir.resolve(AdminBootstrap.CREDENTIALS_FILE)).doesNotExist();
    }

    @Test
    void anAdministratorIdWithoutAPasswordIsRefused() {
        StandardEnvironment idOnly = server(Map.of("camunda.bpm.admin-user.id", "ops"));

        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new AdminBootstrap().postProcessEnvironment(idOnly, new SpringApplication()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("camunda.bpm.admin-user.password");
    }

    @Test
    void passwordsDiffer() {
        assertThat(AdminBootstrap.password()).isNotEqualTo(AdminBootstrap.password());
    }

    @Test
    void theHeadlessCommandGetsNoAdministrator() {
        StandardEnvironment headless = new StandardEnvironment();
        headless.setActiveProfiles("cli");

        new AdminBootstrap().postProcessEnvironment(headless, new SpringApplication());

        assertThat(headless.containsProperty("camunda.bpm.admin-user.id")).isFalse();
    }

    private StandardEnvironment server(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.setActiveProfiles("serve");
        Map<String, Object> all = new java.util.HashMap<>(properties);
        all.put("drdrill.data-dir", dataDir.toString());
        environment.getPropertySources().addFirst(new MapPropertySource("test", all));
        return environment;
    }

    private static String capture(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return out.toString();
    }
}
