package io.drdrill.restore;

import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.PostRestoreCheck;
import io.drdrill.step.Text;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A {@code postgres} check: connects with the PostgreSQL driver to the manifest's JDBC URL, as the user and with
 * the password the manifest names by environment variable or file, and runs its one query in a read-only
 * transaction: the connection is read-only ({@code BEGIN READ ONLY}), the session defaults to read-only
 * transactions, and a statement timeout holds the query to the check's timeout. The transaction is rolled back.
 * The password appears nowhere but in the driver's connection properties: every detail is scrubbed of it.
 */
final class PostgresProbe {

    private static final String DRIVER = "org.postgresql.Driver";
    private static final int MAX_PASSWORD_FILE_BYTES = 4096;

    private PostgresProbe() {
    }

    static PostRestoreChecks.Passed run(PostRestoreCheck.Postgres check, Manifest manifest) {
        String user = check.user().orElseGet(() -> {
            String fromEnv = System.getenv(check.userEnv().orElseThrow());
            if (fromEnv == null || fromEnv.isEmpty()) {
                throw new PostRestoreChecks.Failed("environment variable " + check.userEnv().get()
                        + " (user_env) is not set");
            }
            return fromEnv;
        });
        Optional<String> password = password(check);
        try {
            return query(check, user, password);
        } catch (PostRestoreChecks.Failed failed) {
            throw new PostRestoreChecks.Failed(scrub(failed.getMessage(), password));
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
            throw new PostRestoreChecks.Failed(scrub(firstLine(e.getMessage()) + state, password));
        } catch (RuntimeException e) {
            throw new PostRestoreChecks.Failed(scrub(e.getClass().getSimpleName() + ": " + e.getMessage(), password));
        }
    }

    private static PostRestoreChecks.Passed query(PostRestoreCheck.Postgres check, String user,
                                                 Optional<String> password) throws SQLException {
        long timeout = check.timeoutSeconds();
        Properties properties = new Properties();
        properties.setProperty("user", user);
        password.ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("connectTimeout", String.valueOf(timeout));
        properties.setProperty("loginTimeout", String.valueOf(timeout));
        properties.setProperty("socketTimeout", String.valueOf(timeout + 5));
        properties.setProperty("readOnly", "true");
        properties.setProperty("ApplicationName", "dr-drill post-restore check");
        properties.setProperty("options", "-c default_transaction_read_only=on -c statement_timeout="
                + timeout * 1000);
        try (Connection connection = driver().connect(check.jdbcUrl(), properties)) {
            if (connection == null) {
                throw new PostRestoreChecks.Failed("the PostgreSQL driver does not accept the jdbc_url");
            }
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                statement.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, timeout));
                PostRestoreCheck.Expectation expect = check.expect();
                if (expect instanceof PostRestoreCheck.Expectation.MinRows rows) {
                    statement.setMaxRows((int) Math.max(1, Math.min(Integer.MAX_VALUE, rows.rows())));
                } else {
                    statement.setMaxRows(1);
                }
                try (ResultSet result = statement.executeQuery(check.query())) {
                    return judge(expect, result);
                }
            } finally {
                connection.rollback();
            }
        }
    }

    private static PostRestoreChecks.Passed judge(PostRestoreCheck.Expectation expect, ResultSet result)
            throws SQLException {
        if (expect instanceof PostRestoreCheck.Expectation.MinRows minRows) {
            long rows = 0;
            while (rows < minRows.rows() && result.next()) {
                rows++;
            }
            if (rows < minRows.rows()) {
                throw new PostRestoreChecks.Failed("expected at least " + minRows.rows() + " row"
                        + (minRows.rows() == 1 ? "" : "s") + ", got " + rows);
            }
            return new PostRestoreChecks.Passed("at least " + minRows.rows() + " row"
                    + (minRows.rows() == 1 ? "" : "s") + " returned");
        }
        if (!result.next()) {
            throw new PostRestoreChecks.Failed("expected a value, the query returned no row");
        }
        String value = result.getString(1);
        String shown = value == null ? "NULL" : "'" + Text.shorten(value, 120) + "'";
        if (expect instanceof PostRestoreCheck.Expectation.Value expected) {
            if (!expected.value().equals(value)) {
                throw new PostRestoreChecks.Failed("expected value '" + Text.shorten(expected.value(), 120)
                        + "', got " + shown);
            }
            return new PostRestoreChecks.Passed("value " + shown + " as expected");
        }
        BigDecimal min = ((PostRestoreCheck.Expectation.MinValue) expect).value();
        BigDecimal number;
        try {
            number = value == null ? null : new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            number = null;
        }
        if (number == null) {
            throw new PostRestoreChecks.Failed("expected a number of at least " + min.toPlainString() + ", got " + shown);
        }
        if (number.compareTo(min) < 0) {
            throw new PostRestoreChecks.Failed("expected at least " + min.toPlainString() + ", got " + value.trim());
        }
        return new PostRestoreChecks.Passed("value " + value.trim() + " >= " + min.toPlainString());
    }

    /** The driver itself, not {@code DriverManager}: no other driver may take the URL. */
    private static Driver driver() {
        try {
            return (Driver) Class.forName(DRIVER, true, PostgresProbe.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new PostRestoreChecks.Failed("the PostgreSQL JDBC driver is not available: " + e);
        }
    }

    /**
     * From {@code password_env} (unset or empty: no password, e.g. trust or peer authentication) or the first
     * line of {@code password_file}, which must be a regular file neither group nor others can read.
     */
    private static Optional<String> password(PostRestoreCheck.Postgres check) {
        if (check.passwordEnv().isPresent()) {
            String value = System.getenv(check.passwordEnv().get());
            return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
        }
        if (check.passwordFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = check.passwordFile().get();
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new PostRestoreChecks.Failed("password_file " + file + " is not a regular file");
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                throw new PostRestoreChecks.Failed("password_file " + file + " can be read by group or others "
                        + "(chmod 600 it)");
            }
            if (Files.size(file) > MAX_PASSWORD_FILE_BYTES) {
                throw new PostRestoreChecks.Failed("password_file " + file + " is larger than 4 KiB");
            }
            String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            String line = content.lines().findFirst().orElse("");
            return line.isEmpty() ? Optional.empty() : Optional.of(line);
        } catch (UnsupportedOperationException e) {
            throw new PostRestoreChecks.Failed("password_file " + file + ": its permissions cannot be checked here");
        } catch (IOException e) {
            throw new PostRestoreChecks.Failed("password_file " + file + " cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String scrub(String text, Optional<String> password) {
        if (text == null || password.isEmpty() || password.get().isEmpty()) {
            return text;
        }
        return text.replace(password.get(), "***");
    }
}
