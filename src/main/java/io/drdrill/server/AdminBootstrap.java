package io.drdrill.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

/**
 * No well-known password: in server mode, when {@code camunda.bpm.admin-user.id} is not configured, the first
 * start generates a strong password for the administrator {@code admin}, prints it once, and keeps it in
 * {@code <drdrill.data-dir>/admin-credentials.properties}, readable only by its owner. Camunda's own admin-user
 * support then creates the user (and only if it does not exist yet).
 */
public class AdminBootstrap implements EnvironmentPostProcessor, Ordered {

    static final String PROFILE = "serve";
    static final String CREDENTIALS_FILE = "admin-credentials.properties";
    static final String ADMIN_ID = "admin";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!Arrays.asList(environment.getActiveProfiles()).contains(PROFILE)) {
            return;
        }
        if (environment.containsProperty("camunda.bpm.admin-user.id")) {
            // Camunda would otherwise use the id as the password: a well-known password.
            if (!environment.containsProperty("camunda.bpm.admin-user.password")
                    || environment.getProperty("camunda.bpm.admin-user.password", "").isBlank()) {
                throw new IllegalStateException("camunda.bpm.admin-user.id is set without "
                        + "camunda.bpm.admin-user.password: set both, or neither to have a password generated");
            }
            return;
        }
        Path file = Path.of(environment.getProperty("drdrill.data-dir", "./var")).resolve(CREDENTIALS_FILE)
                .toAbsolutePath().normalize();
        Properties credentials = Files.exists(file) ? read(file) : generate(file);
        environment.getPropertySources().addLast(new MapPropertySource("drdrill-admin-credentials", Map.of(
                "camunda.bpm.admin-user.id", credentials.getProperty("id"),
                "camunda.bpm.admin-user.password", credentials.getProperty("password"),
                "camunda.bpm.admin-user.first-name", "DR drill",
                "camunda.bpm.admin-user.last-name", "Administrator")));
    }

    private static Properties generate(Path file) {
        Properties credentials = new Properties();
        credentials.setProperty("id", ADMIN_ID);
        credentials.setProperty("password", password());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(Files.createFile(file,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    StandardOpenOption.WRITE)) {
                credentials.store(out, "DR Drill Orchestrator administrator (generated at first start)");
            }
        } catch (FileAlreadyExistsException raced) {
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the administrator's credentials in " + file, e);
        }
        System.out.println("[dr-drill] created administrator '" + ADMIN_ID + "' with password "
                + credentials.getProperty("password") + " — shown once; stored in " + file
                + " (readable only by you). Set camunda.bpm.admin-user.id/password to choose your own.");
        return credentials;
    }

    private static Properties read(Path file) {
        Properties credentials = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            credentials.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the administrator's credentials from " + file, e);
        }
        if (credentials.getProperty("id") == null || credentials.getProperty("password") == null) {
            throw new IllegalStateException(file + " must hold 'id' and 'password'");
        }
        return credentials;
    }

    static String password() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
