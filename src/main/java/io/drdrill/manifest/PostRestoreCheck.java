package io.drdrill.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code restore.checks}: something that must hold at the recovery site once the backup is restored
 * (a command exits 0, a URL answers, a port accepts, a query on the restored database finds its rows). A digest
 * proves the bytes came back; these prove the restored system works. No credential is ever part of a check:
 * a database password is named by an environment variable or a file.
 */
public sealed interface PostRestoreCheck {

    long DEFAULT_TIMEOUT_SECONDS = 30;
    long MAX_TIMEOUT_SECONDS = 600;

    /** Unique within the manifest, {@code [A-Za-z0-9._-]}: it names the check in errors, events and log files. */
    String name();

    long timeoutSeconds();

    /** {@code command}, {@code http}, {@code tcp} or {@code postgres}. */
    String type();

    /** An allow-listed executable (like the recall script) that must exit 0 within the timeout. */
    record Command(String name, Path path, List<String> args, long timeoutSeconds) implements PostRestoreCheck {
        public Command {
            args = List.copyOf(args);
        }

        @Override
        public String type() {
            return "command";
        }
    }

    /** A GET that must answer {@code expectStatus} (redirects are not followed), its body optionally containing a text. */
    record Http(String name, String url, int expectStatus, Optional<String> expectBodyContains, long timeoutSeconds)
            implements PostRestoreCheck {
        @Override
        public String type() {
            return "http";
        }
    }

    /** A TCP port that must accept a connection. */
    record Tcp(String name, String host, int port, long timeoutSeconds) implements PostRestoreCheck {
        @Override
        public String type() {
            return "tcp";
        }
    }

    /**
     * A read-only query on a restored PostgreSQL database.
     *
     * @param user         the user itself, or empty when {@code userEnv} names it
     * @param userEnv      an environment variable of the drill that holds the user
     * @param passwordEnv  an environment variable of the drill that holds the password (unset: no password)
     * @param passwordFile a file (resolved against the manifest) whose first line is the password; neither group
     *                     nor others may read it
     */
    record Postgres(String name, String jdbcUrl, Optional<String> user, Optional<String> userEnv,
                    Optional<String> passwordEnv, Optional<Path> passwordFile, String query, Expectation expect,
                    long timeoutSeconds) implements PostRestoreCheck {
        @Override
        public String type() {
            return "postgres";
        }
    }

    /** What a query must return: exactly one of these is set in the manifest. */
    sealed interface Expectation {
        /** {@code expect_min_rows}: at least this many rows. */
        record MinRows(long rows) implements Expectation {
        }

        /** {@code expect_value}: the first column of the first row, as text, equals this. */
        record Value(String value) implements Expectation {
        }

        /** {@code expect_min_value}: the first column of the first row is a number of at least this. */
        record MinValue(java.math.BigDecimal value) implements Expectation {
        }
    }
}
