package io.drdrill.restore;

import io.drdrill.manifest.Manifest;
import io.drdrill.manifest.ManifestLoader;
import io.drdrill.testsupport.ScratchDatabase;
import io.drdrill.testsupport.TestBundle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each post-restore check type against the real thing it checks: a JDK HTTP server, a listening socket, an
 * executable in the bundle, and a database on the local PostgreSQL; and the run stopping at its first failure.
 */
class PostRestoreChecksTest {

    @TempDir
    Path dir;

    private HttpServer http;
    private ScratchDatabase database;

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.stop(0);
        }
        if (database != null) {
            database.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ http

    @Test
    void anHttpCheckPassesOnTheExpectedStatusWithTheExpectedTextInTheBody() throws IOException {
        // Given a server that answers 200 with a body naming the restored service
        serve(200, "{\"status\": \"UP\", \"orders\": \"restored\"}", Map.of());

        // When a check expects 200 and "restored" in the body
        CheckOutcome outcome = runOne("{\"name\": \"web\", \"type\": \"http\", \"url\": \"" + url("/health")
                + "\", \"expect_body_contains\": \"restored\"}");

        // Then it passed and says what it saw
        assertThat(outcome.status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(outcome.detail()).isEqualTo("GET " + url("/health") + " answered 200 with 'restored' in its body");
    }

    @Test
    void anHttpCheckFailsOnAnotherStatusAndNeverFollowsARedirect() throws IOException {
        // Given a server that redirects elsewhere
        serve(302, "", Map.of("Location", "http://elsewhere.invalid/login"));

        // When a check expects 200
        CheckOutcome outcome = runOne("{\"name\": \"web\", \"type\": \"http\", \"url\": \"" + url("/") + "\"}");

        // Then it failed on the redirect itself, which was not followed
        assertThat(outcome.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(outcome.detail()).isEqualTo("GET " + url("/") + ": expected status 200, got 302 (redirects are "
                + "not followed; Location: http://elsewhere.invalid/login)");
    }

    @Test
    void anHttpCheckFailsWhenTheBodyLacksTheExpectedText() throws IOException {
        // Given a server whose answer says the service is down
        serve(200, "{\"status\": \"DOWN\"}", Map.of());

        // When a check expects "UP" in the body
        CheckOutcome outcome = runOne("{\"name\": \"web\", \"type\": \"http\", \"url\": \"" + url("/health")
                + "\", \"expect_body_contains\": \"UP\"}");

        // Then it failed, saying how much of the body it read
        assertThat(outcome.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(outcome.detail()).endsWith("answered 200 but its body (18 bytes read) does not contain 'UP'");
    }

    @Test
    void anHttpCheckFailsWhenTheBodyDoesNotArriveWithinItsTimeout() throws IOException {
        // Given a server that sends its headers and then stalls
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().flush();
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        http.start();

        // When a check with a one-second timeout expects text in the body
        CheckOutcome outcome = runOne("{\"name\": \"web\", \"type\": \"http\", \"url\": \"" + url("/")
                + "\", \"expect_body_contains\": \"UP\", \"timeout_seconds\": 1}");

        // Then it failed after about its timeout
        assertThat(outcome.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(outcome.detail()).endsWith(": the body did not arrive within 1s");
        assertThat(outcome.durationSeconds()).isBetween(0.9, 4.0);
    }

    // ------------------------------------------------------------------------------------------------ tcp

    @Test
    void aTcpCheckPassesOnAListeningPortAndFailsOnAClosedOne() throws IOException {
        // Given one port that listens and one that was just closed
        int closed;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = gone.getLocalPort();
        }
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = listening.getLocalPort();

            // When a tcp check runs against each
            List<CheckOutcome> outcomes = run("[{\"name\": \"up\", \"type\": \"tcp\", \"host\": \"127.0.0.1\", "
                    + "\"port\": " + port + "}, {\"name\": \"down\", \"type\": \"tcp\", \"host\": \"127.0.0.1\", "
                    + "\"port\": " + closed + ", \"timeout_seconds\": 2}]");

            // Then the listening port passed and the closed one failed, naming the address
            assertThat(outcomes.get(0).status()).isEqualTo(CheckOutcome.Status.PASSED);
            assertThat(outcomes.get(0).detail()).isEqualTo("127.0.0.1:" + port + " accepted a connection");
            assertThat(outcomes.get(1).status()).isEqualTo(CheckOutcome.Status.FAILED);
            assertThat(outcomes.get(1).detail()).startsWith("127.0.0.1:" + closed + " did not accept a connection");
        }
    }

    // ------------------------------------------------------------------------------------------------ command

    @Test
    void aCommandCheckRunsInTheRestoreFolderWithAScrubbedEnvironmentAndKeepsItsOutput() throws IOException {
        // Given an executable in the bundle that prints its folder and environment
        TestBundle.writeExecutable(dir.resolve("ready.sh"), "#!/bin/sh\npwd\nenv | sort\necho checked >&2\n");

        // When a command check runs it
        CheckOutcome outcome = runOne("{\"name\": \"ready\", \"type\": \"command\", \"path\": \"ready.sh\"}");

        // Then it passed; its output is in its own logs: it ran in the restore folder and saw only the drill's
        // variables (and the shell's own), none of the JVM's
        assertThat(outcome.status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(outcome.detail()).isEqualTo("ready.sh exited with code 0");
        Path stdout = dir.resolve("evidence/restore/check-ready-stdout.log");
        assertThat(outcome.logs()).containsEntry("stdout_log", stdout.toString())
                .containsEntry("stderr_log", dir.resolve("evidence/restore/check-ready-stderr.log").toString());
        List<String> lines = Files.readAllLines(stdout);
        assertThat(lines.get(0)).isEqualTo(dir.resolve("restored").toString());
        assertThat(lines.subList(1, lines.size())).filteredOn(line -> line.contains("="))
                .extracting(line -> line.substring(0, line.indexOf('=')))
                .isSubsetOf("BACKUP_PATH", "LANG", "PATH", "PWD", "RESTORED_FILE", "RESTORE_DIR", "SHLVL", "_");
        assertThat(lines).contains("RESTORE_DIR=" + dir.resolve("restored"),
                "RESTORED_FILE=" + dir.resolve("restored/backup.json"), "BACKUP_PATH=" + dir.resolve("backup.json"));
    }

    @Test
    void aCommandCheckFailsWithItsExitCodeAndLastErrorLineOrOnItsTimeout() throws IOException {
        // Given one command that exits 3 and one that sleeps past its timeout
        TestBundle.writeExecutable(dir.resolve("fail.sh"), "#!/bin/sh\necho 'orders table is empty' >&2\nexit 3\n");
        TestBundle.writeExecutable(dir.resolve("slow.sh"), "#!/bin/sh\nsleep 30\n");

        // When each runs as a check (the second alone, since the first failure stops the run)
        CheckOutcome failing = runOne("{\"name\": \"fail\", \"type\": \"command\", \"path\": \"fail.sh\"}");
        CheckOutcome slow = runOne("{\"name\": \"slow\", \"type\": \"command\", \"path\": \"slow.sh\", "
                + "\"timeout_seconds\": 1}");

        // Then the first failed with its code and message, the second when its timeout ran out
        assertThat(failing.detail()).isEqualTo("exited with code 3: orders table is empty");
        assertThat(slow.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(slow.detail()).startsWith("timed out after 1s; its process tree was killed");
        assertThat(slow.durationSeconds()).isLessThan(10);
    }

    @Test
    void aCommandOutsideTheAllowedFoldersIsNotRun() throws IOException {
        // Given an executable outside the manifest's folder
        Path outside = Files.createTempDirectory("outside");
        try {
            Path tool = TestBundle.writeExecutable(outside.resolve("tool.sh"), "#!/bin/sh\nexit 0\n");

            // When a check names it
            CheckOutcome outcome = runOne("{\"name\": \"tool\", \"type\": \"command\", \"path\": \"" + tool + "\"}");

            // Then it failed without running, like a recall script outside the allowed folders
            assertThat(outcome.status()).isEqualTo(CheckOutcome.Status.FAILED);
            assertThat(outcome.detail()).startsWith("command " + tool + " is outside the allowed script folders");
        } finally {
            Files.deleteIfExists(outside.resolve("tool.sh"));
            Files.deleteIfExists(outside);
        }
    }

    // ------------------------------------------------------------------------------------------------ postgres

    @Test
    void aPostgresCheckComparesRowsAValueOrAMinimumOnTheRestoredDatabase() throws Exception {
        // Given a database with three orders
        database = ScratchDatabase.create("drdrill_check", "CREATE TABLE orders (id integer, total numeric)",
                "INSERT INTO orders VALUES (1, 10.5), (2, 20), (3, 7)");

        // When checks count rows, compare a value and a minimum, two of them asking for more than there is
        List<CheckOutcome> passing = run("[" + postgres("rows", "SELECT id FROM orders", "\"expect_min_rows\": 3")
                + "," + postgres("value", "SELECT count(*) FROM orders", "\"expect_value\": \"3\"")
                + "," + postgres("minimum", "SELECT sum(total) FROM orders;", "\"expect_min_value\": 37.5") + "]");
        CheckOutcome tooFew = runOne(postgres("rows", "SELECT id FROM orders WHERE id > 5", "\"expect_min_rows\": 1"));
        CheckOutcome tooSmall = runOne(postgres("minimum", "SELECT sum(total) FROM orders", "\"expect_min_value\": 100"));

        // Then the true ones passed, and the others failed saying what they got
        assertThat(passing).extracting(CheckOutcome::status).containsOnly(CheckOutcome.Status.PASSED);
        assertThat(passing).extracting(CheckOutcome::detail)
                .containsExactly("at least 3 rows returned", "value '3' as expected", "value 37.5 >= 37.5");
        assertThat(tooFew.detail()).isEqualTo("expected at least 1 row, got 0");
        assertThat(tooSmall.detail()).isEqualTo("expected at least 100, got 37.5");
    }

    @Test
    void aPostgresCheckCannotWriteToTheDatabase() throws Exception {
        // Given a restored database
        database = ScratchDatabase.create("drdrill_check", "CREATE TABLE orders (id integer)",
                "INSERT INTO orders VALUES (1)");

        // When a check's query would delete rows
        CheckOutcome outcome = runOne(postgres("sneaky", "DELETE FROM orders RETURNING id", "\"expect_min_rows\": 1"));

        // Then the read-only transaction refused it, and the rows are still there
        assertThat(outcome.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(outcome.detail()).contains("read-only transaction").contains("SQLSTATE 25006");
        assertThat(runOne(postgres("still", "SELECT id FROM orders", "\"expect_min_rows\": 1")).status())
                .isEqualTo(CheckOutcome.Status.PASSED);
    }

    @Test
    void aPasswordFileOthersCanReadIsRefusedAndAPasswordNeverAppearsInTheOutcome() throws Exception {
        // Given a database, and a password file that is first world-readable, then private
        database = ScratchDatabase.create("drdrill_check", "CREATE TABLE orders (id integer)");
        Path secret = dir.resolve("pg.pass");
        Files.writeString(secret, "Sup3r-Secret-Pw\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        String check = "{\"name\": \"orders\", \"type\": \"postgres\", \"jdbc_url\": \"" + database.url()
                + "\", \"user\": \"postgres\", \"password_file\": \"pg.pass\", \"query\": \"SELECT id FROM orders\", "
                + "\"expect_min_rows\": 1}";

        // When the check runs with each
        CheckOutcome readable = runOne(check);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        CheckOutcome empty = runOne(check);

        // Then the readable file is refused; the private one is used, and the password is nowhere in the outcome
        assertThat(readable.detail()).isEqualTo("password_file " + secret + " can be read by group or others "
                + "(chmod 600 it)");
        assertThat(empty.detail()).isEqualTo("expected at least 1 row, got 0");
        assertThat(empty.toFact().toString()).doesNotContain("Sup3r-Secret-Pw");
    }

    @Test
    void aServerErrorThatQuotesThePasswordIsScrubbedOfIt() throws Exception {
        // Given a private password file, and a query whose error message quotes the password's text
        database = ScratchDatabase.create("drdrill_check");
        Path secret = dir.resolve("pg.pass");
        Files.writeString(secret, "Sup3r-Secret-Pw\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

        // When the check runs
        CheckOutcome outcome = runOne("{\"name\": \"echo\", \"type\": \"postgres\", \"jdbc_url\": \""
                + database.url() + "\", \"user\": \"postgres\", \"password_file\": \"pg.pass\", "
                + "\"query\": \"SELECT 'Sup3r-Secret-Pw'::integer\", \"expect_value\": \"1\"}");

        // Then it failed with the server's message, the password masked
        assertThat(outcome.detail()).isEqualTo("ERROR: invalid input syntax for type integer: \"***\" (SQLSTATE 22P02)");
    }

    // ------------------------------------------------------------------------------------------------ order

    @Test
    void theFirstFailedCheckEndsTheRunAndTheRestAreRecordedAsSkipped() throws IOException {
        // Given three checks of which the second fails
        TestBundle.writeExecutable(dir.resolve("ok.sh"), "#!/bin/sh\nexit 0\n");
        TestBundle.writeExecutable(dir.resolve("fail.sh"), "#!/bin/sh\nexit 1\n");

        // When they run
        List<CheckOutcome> outcomes = run("[{\"name\": \"one\", \"type\": \"command\", \"path\": \"ok.sh\"},"
                + "{\"name\": \"two\", \"type\": \"command\", \"path\": \"fail.sh\"},"
                + "{\"name\": \"three\", \"type\": \"command\", \"path\": \"ok.sh\"}]");

        // Then the third did not run and says why, and the failure's message names the check
        assertThat(outcomes).extracting(CheckOutcome::status).containsExactly(CheckOutcome.Status.PASSED,
                CheckOutcome.Status.FAILED, CheckOutcome.Status.SKIPPED);
        assertThat(outcomes.get(2).detail()).isEqualTo("not run: check 'two' failed");
        assertThat(dir.resolve("evidence/restore/check-three-stdout.log")).doesNotExist();
        assertThat(PostRestoreChecks.failure(outcomes.get(1)))
                .isEqualTo("post-restore check 'two' (command) failed: exited with code 1");
    }

    @Test
    void staleCheckLogsOfAnEarlierDrillAreRemovedButNeverAnInput() throws IOException {
        // Given a log folder with an earlier drill's check log, the recall log, and a check log path that is
        // the manifest's own SBOM
        TestBundle bundle = TestBundle.create(dir).withCopyBackup(true).write();
        Path logDir = bundle.evidenceDir().resolve(RestoreRunner.LOG_DIR);
        Files.createDirectories(logDir);
        Path stale = Files.writeString(logDir.resolve("check-old-stdout.log"), "old");
        Path recall = Files.writeString(logDir.resolve("recall-stdout.log"), "recall");
        Path input = Files.writeString(logDir.resolve("check-input-stderr.log"), "an input");
        bundle.withManifestTweak(root -> ((ObjectNode) root.get("sbom")).put("path", input.toString()));
        bundle.write();
        Manifest manifest = new ManifestLoader().load(bundle.manifestPath());

        // When stale logs are removed
        PostRestoreChecks.removeStaleLogs(manifest, logDir);

        // Then only the earlier check log is gone
        assertThat(stale).doesNotExist();
        assertThat(recall).exists();
        assertThat(input).exists();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private String postgres(String name, String query, String expectation) {
        return "{\"name\": \"" + name + "\", \"type\": \"postgres\", \"jdbc_url\": \"" + database.url()
                + "\", \"user\": \"postgres\", \"query\": \"" + query + "\", " + expectation + "}";
    }

    private CheckOutcome runOne(String check) throws IOException {
        return run("[" + check + "]").get(0);
    }

    private List<CheckOutcome> run(String checks) throws IOException {
        TestBundle bundle = TestBundle.create(dir).withCopyBackup(true).withManifestTweak(root -> {
            try {
                ((ObjectNode) root.get("restore")).set("checks", TestBundle.JSON.readTree(checks));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).write();
        Manifest manifest = new ManifestLoader().load(bundle.manifestPath());
        Files.createDirectories(bundle.restoreDir());
        Files.copy(bundle.backupPath(), bundle.restoredFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new RestoreRunner(List.of()).checks().run(manifest, bundle.evidenceDir().resolve(RestoreRunner.LOG_DIR));
    }

    private void serve(int status, String body, Map<String, String> headers) throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        http.start();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }
}
