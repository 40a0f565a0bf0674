package io.drdrill.manifest;

import io.drdrill.testsupport.TestBundle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code restore.checks} in the manifest: what each check type reads, and every field it refuses, by name. */
class PostRestoreCheckLoaderTest {

    @TempDir
    Path dir;

    @Test
    void eachCheckTypeIsReadWithItsFieldsAndDefaultsInTheManifestsOrder() {
        // Given a manifest with one check of each type
        Manifest manifest = load("""
                [{"name": "ready", "type": "command", "path": "ready.sh", "args": ["--quick"]},
                 {"name": "web", "type": "http", "url": "http://127.0.0.1:8080/health", "expect_body_contains": "UP"},
                 {"name": "db-port", "type": "tcp", "host": "127.0.0.1", "port": 5432, "timeout_seconds": 5},
                 {"name": "orders", "type": "postgres", "jdbc_url": "jdbc:postgresql://127.0.0.1:5432/shop",
                  "user": "postgres", "password_file": "secrets/pg.pass", "query": "SELECT count(*) FROM orders;",
                  "expect_min_value": 1}]""");

        // When its checks are read
        List<PostRestoreCheck> checks = manifest.restore().checks();

        // Then each has its type's fields, paths resolved against the manifest, defaults filled in
        assertThat(checks).extracting(PostRestoreCheck::name).containsExactly("ready", "web", "db-port", "orders");
        assertThat(checks.get(0)).isEqualTo(new PostRestoreCheck.Command("ready", dir.resolve("ready.sh"),
                List.of("--quick"), 30));
        assertThat(checks.get(1)).isEqualTo(new PostRestoreCheck.Http("web", "http://127.0.0.1:8080/health", 200,
                Optional.of("UP"), 30));
        assertThat(checks.get(2)).isEqualTo(new PostRestoreCheck.Tcp("db-port", "127.0.0.1", 5432, 5));
        PostRestoreCheck.Postgres orders = (PostRestoreCheck.Postgres) checks.get(3);
        assertThat(orders.passwordFile()).contains(dir.resolve("secrets/pg.pass"));
        assertThat(orders.query()).isEqualTo("SELECT count(*) FROM orders");
        assertThat(orders.expect()).isEqualTo(new PostRestoreCheck.Expectation.MinValue(BigDecimal.ONE));
        assertThat(DrillInputs.of(manifest)).extracting(DrillInputs.Input::path)
                .contains(dir.resolve("ready.sh"), dir.resolve("secrets/pg.pass"));
    }

    @Test
    void aManifestWithoutChecksHasNone() {
        // Given / When a manifest without restore.checks / Then it has an empty list of checks
        assertThat(new ManifestLoader().load(bundle(null).manifestPath()).restore().checks()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown type            | [{"name": "x", "type": "ftp"}]                                                  | manifest field restore.checks[0].type: must be one of command, http, tcp, postgres, got 'ftp'
            missing name            | [{"type": "tcp", "host": "h", "port": 1}]                                        | manifest field restore.checks[0].name: is required
            name with a slash       | [{"name": "a/b", "type": "tcp", "host": "h", "port": 1}]                         | manifest field restore.checks[0].name: must be 1-64 characters
            duplicate name          | [{"name": "a", "type": "tcp", "host": "h", "port": 1}, {"name": "a", "type": "tcp", "host": "h", "port": 2}] | manifest field restore.checks[1].name: 'a' is used by an earlier check
            field of another type   | [{"name": "a", "type": "tcp", "host": "h", "port": 1, "url": "http://h/"}]       | manifest field restore.checks[0].url: unknown for a tcp check
            missing port            | [{"name": "a", "type": "tcp", "host": "h"}]                                      | manifest field restore.checks[0].port: is required
            port out of range       | [{"name": "a", "type": "tcp", "host": "h", "port": 70000}]                       | manifest field restore.checks[0].port: must be a port from 1 to 65535
            timeout too long        | [{"name": "a", "type": "tcp", "host": "h", "port": 1, "timeout_seconds": 601}]   | manifest field restore.checks[0].timeout_seconds: must be a whole number of seconds from 1 to 600
            checks not an array     | {"name": "a"}                                                                    | manifest field restore.checks: must be an array of checks
            missing command path    | [{"name": "a", "type": "command"}]                                               | manifest field restore.checks[0].path: is required
            ftp url                 | [{"name": "a", "type": "http", "url": "ftp://h/x"}]                              | manifest field restore.checks[0].url: must be an http:// or https:// URL
            credentials in http url | [{"name": "a", "type": "http", "url": "https://ops:pw@h/x"}]                     | manifest field restore.checks[0].url: must not carry credentials
            bad expected status     | [{"name": "a", "type": "http", "url": "http://h/", "expect_status": 42}]         | manifest field restore.checks[0].expect_status: must be an HTTP status
            not a postgres url      | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:mysql://h/db", "user": "u", "query": "SELECT 1", "expect_value": "1"}] | manifest field restore.checks[0].jdbc_url: must start with jdbc:postgresql://
            password in jdbc url    | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db?ssl=true&password=x", "user": "u", "query": "SELECT 1", "expect_value": "1"}] | manifest field restore.checks[0].jdbc_url: must not carry password=
            user in jdbc url        | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db?User=x", "user": "u", "query": "SELECT 1", "expect_value": "1"}] | manifest field restore.checks[0].jdbc_url: must not carry user=
            userinfo in jdbc url    | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://u:p@h/db", "user": "u", "query": "SELECT 1", "expect_value": "1"}] | manifest field restore.checks[0].jdbc_url: must not carry credentials
            class-loading parameter | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db?socketFactory=x.Y", "user": "u", "query": "SELECT 1", "expect_value": "1"}] | manifest field restore.checks[0].jdbc_url: must not set socketfactory
            no user                 | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db", "query": "SELECT 1", "expect_value": "1"}] | manifest field restore.checks[0].user: set exactly one of user and user_env
            password field          | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db", "user": "u", "password": "x", "query": "SELECT 1", "expect_value": "1"}] | manifest field restore.checks[0].password: unknown for a postgres check
            bad env name            | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db", "user": "u", "password_env": "PG PASS", "query": "SELECT 1", "expect_value": "1"}] | manifest field restore.checks[0].password_env: must name an environment variable
            two statements          | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db", "user": "u", "query": "SELECT 1; DROP TABLE t", "expect_value": "1"}] | manifest field restore.checks[0].query: must be one statement
            no expectation          | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db", "user": "u", "query": "SELECT 1"}] | manifest field restore.checks[0]: a postgres check needs exactly one of expect_min_rows, expect_value and expect_min_value
            over the time budget    | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db", "user": "u", "query": "SELECT 1", "expect_value": "1", "timeout_seconds": 600}, {"name": "b", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db", "user": "u", "query": "SELECT 1", "expect_value": "1", "timeout_seconds": 600}, {"name": "c", "type": "tcp", "host": "h", "port": 1, "timeout_seconds": 600}, {"name": "d", "type": "tcp", "host": "h", "port": 1, "timeout_seconds": 600}, {"name": "e", "type": "tcp", "host": "h", "port": 1, "timeout_seconds": 1}] | manifest field restore.checks: the checks may take 3601s in all
            two expectations        | [{"name": "a", "type": "postgres", "jdbc_url": "jdbc:postgresql://h/db", "user": "u", "query": "SELECT 1", "expect_value": "1", "expect_min_rows": 1}] | manifest field restore.checks[0]: a postgres check needs exactly one of expect_min_rows, expect_value and expect_min_value (got 2)
            """)
    void aBadCheckIsAnInvalidManifestNamingTheField(String why, String checks, String message) {
        // Given a manifest whose restore.checks is wrong in one way
        TestBundle bundle = bundle(checks);

        // When it is loaded / Then it is refused with one line naming the field
        assertThatThrownBy(() -> new ManifestLoader().load(bundle.manifestPath()))
                .as(why).isInstanceOf(InvalidManifestException.class).hasMessageStartingWith(message);
    }

    private Manifest load(String checks) {
        return new ManifestLoader().load(bundle(checks).manifestPath());
    }

    private TestBundle bundle(String checks) {
        return TestBundle.create(dir).withManifestTweak(root -> {
            if (checks != null) {
                try {
                    ((ObjectNode) root.get("restore")).set("checks", TestBundle.JSON.readTree(checks));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }).write();
    }
}
