package io.drdrill.backup;

import io.drdrill.manifest.BackupFormat;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Sha256;
import io.drdrill.step.StepResult;
import io.drdrill.testsupport.TestBundle;
import io.drdrill.testsupport.TestFiles;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class BackupChecksTest {

    @TempDir
    Path tempDir;

    private Path file(String name, String content) throws IOException {
        return TestFiles.text(tempDir, name, content);
    }

    @Nested
    class DigestCheck {

        private final BackupDigestCheck check = new BackupDigestCheck();

        @Test
        void matchingDigestPassesWithFacts() throws IOException {
            // Given a backup and its real digest
            Path backup = file("backup.json", "{\"services\":[]}");
            String sha = TestBundle.sha256(backup);

            // When it is verified
            StepResult outcome = check.verify(backup, sha);

            // Then it passes and records digest, size, the file's identity and the host that read it
            assertThat(outcome.facts()).containsExactly(
                    entry("backup_sha256", "sha256:" + sha),
                    entry("backup_bytes", Files.size(backup)),
                    entry("backup_identity", FileIdentity.of(backup)),
                    entry("backup_read_on", FileIdentity.host()));
            assertThat(outcome.notes()).contains("sha256:" + sha).contains("matches");
        }

        @Test
        void digestOfAKnownContentIsTheStandardSha256() throws IOException {
            // Given a file holding "test" (SHA-256 is a well-known value)
            Path backup = file("known.bin", "test");

            // When / Then the streamed digest is the standard one
            assertThat(Sha256.of(backup)).isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
            assertThat(check.verify(backup, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08").facts())
                    .containsEntry("backup_bytes", 4L);
        }

        @Test
        void mismatchFailsNamingBothDigests() throws IOException {
            // Given a backup and a different expected digest
            Path backup = file("backup.json", "{\"services\":[]}");
            String actual = TestBundle.sha256(backup);
            String expected = "0".repeat(64);

            // When / Then verification fails naming both digests
            assertThatThrownBy(() -> check.verify(backup, expected))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("mismatch")
                    .hasMessageContaining("sha256:" + expected)
                    .hasMessageContaining("sha256:" + actual);
        }

        @Test
        void missingFileFails() {
            // Given no backup file
            Path missing = tempDir.resolve("missing.json");

            // When / Then verification fails saying it does not exist
            assertThatThrownBy(() -> check.verify(missing, "0".repeat(64)))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("does not exist")
                    .hasMessageContaining("missing.json");
        }

        @Test
        void directoryFails() throws IOException {
            // Given a directory where the backup should be
            Path dir = Files.createDirectories(tempDir.resolve("backup.json"));

            // When / Then verification fails
            assertThatThrownBy(() -> check.verify(dir, "0".repeat(64)))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not a regular file");
        }

        @Test
        void flippingOneByteFails() throws IOException {
            // Given a backup whose digest was taken, then one byte changed
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).write();
            String expected = bundle.backupSha256();
            assertThat(check.verify(bundle.backupPath(), expected).facts()).containsKey("backup_sha256");
            byte[] bytes = Files.readAllBytes(bundle.backupPath());
            bytes[bytes.length / 2] ^= 0x01;
            Files.write(bundle.backupPath(), bytes);

            // When / Then verification fails
            assertThatThrownBy(() -> check.verify(bundle.backupPath(), expected))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("sha256:" + expected)
                    .hasMessageContaining("sha256:" + TestBundle.sha256(bytes));
        }

        @Test
        void emptyFileHasTheEmptyDigest() throws IOException {
            // Given an empty backup
            Path backup = file("empty.bin", "");

            // When / Then it matches the digest of no bytes, with size 0
            StepResult outcome = check.verify(backup,
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
            assertThat(outcome.facts()).containsEntry("backup_bytes", 0L);
        }
    }

    @Nested
    class PayloadCheck {

        private final BackupPayloadCheck check = new BackupPayloadCheck();

        @Test
        void duplicateKeysCannotHideAnUnreadyServiceOrAnEmptyList() throws IOException {
            // Given backups that say two things at once
            Path twoLists = file("two-lists.json", "{\"services\":[{\"status\":\"ready\"}],\"services\":[]}");
            Path twoStatuses = file("two-statuses.json",
                    "{\"services\":[{\"name\":\"db\",\"status\":\"down\",\"status\":\"ready\"}]}");

            // When / Then both are refused as invalid JSON, naming the duplicate
            for (Path backup : List.of(twoLists, twoStatuses)) {
                assertThatThrownBy(() -> check.verify(backup)).isInstanceOf(DrDrillError.class)
                        .hasMessageContaining("Duplicate field");
            }
        }

        @Test
        void allReadyServicesPassWithServicesChecked() {
            // Given a backup with 3 ready services
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withReadyServices(3).write();

            // When it is verified
            StepResult outcome = check.verify(bundle.backupPath());

            // Then it passes counting the services
            assertThat(outcome.facts()).containsExactly(entry("services_checked", 3));
            assertThat(outcome.notes()).isEqualTo("3 services ready");
        }

        @Test
        void jsonFormatReportsTheFormatBeforeTheServices() {
            // Given a backup with 2 ready services, declared as json
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withReadyServices(2).write();

            // When it is verified by format
            StepResult outcome = check.verify(bundle.backupPath(), BackupFormat.JSON);

            // Then the facts name the format, then the services
            assertThat(outcome.facts()).containsExactly(entry("backup_format", "json"), entry("services_checked", 2));
            assertThat(outcome.notes()).isEqualTo("2 services ready");
        }

        @Test
        void rawFormatLeavesTheWholeCheckToTheDigest() throws IOException {
            // Given opaque bytes that are not JSON, declared as raw
            Path backup = file("backup.bin", "\u0000 not json at all");

            // When it is verified by format
            StepResult outcome = check.verify(backup, BackupFormat.RAW);

            // Then it passes without reading the content
            assertThat(outcome.facts()).containsExactly(entry("backup_format", "raw"));
            assertThat(outcome.notes()).contains("opaque").contains("the digest is the whole check");
        }

        @Test
        void archiveFormatsAreDispatchedToTheArchiveCheck() throws IOException {
            // Given a JSON file declared as tar.gz
            Path backup = file("backup.tar.gz", "{\"services\": []}");

            // When / Then the archive check rejects it
            assertThatThrownBy(() -> check.verify(backup, BackupFormat.TAR_GZ))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("backup backup.tar.gz: not gzip-compressed");
        }

        @Test
        void otherFieldsAndNestedValuesAreIgnored() throws IOException {
            // Given a backup with other fields, nested objects and extra service fields around the services
            Path backup = file("backup.json", """
                    {"meta": {"services": "not this one", "tags": [1, {"status": "down"}]},
                     "services": [{"name": "db", "status": "ready", "extra": {"status": "down"}, "ports": [5432]},
                                  {"status": "ready", "name": "cache"}],
                     "trailer": null}
                    """);

            // When / Then it passes with 2 services
            assertThat(check.verify(backup).facts()).containsEntry("services_checked", 2);
        }

        @Test
        void notReadyServicesAreNamedWithTheirStatus() {
            // Given a backup with two unready services among ready ones
            Map<String, String> services = new LinkedHashMap<>();
            services.put("api", "ready");
            services.put("db", "degraded");
            services.put("cache", "ready");
            services.put("queue", "starting");
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withServices(services).write();

            // When / Then verification fails naming each unready service and its status
            assertThatThrownBy(() -> check.verify(bundle.backupPath()))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("2 of 4 services not ready: db (degraded), queue (starting)");
        }

        @Test
        void statusIsCaseSensitive() throws IOException {
            // Given a service whose status is "READY" rather than "ready"
            Path backup = file("backup.json", "{\"services\":[{\"name\":\"db\",\"status\":\"READY\"}]}");

            // When / Then it is not ready
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("db (READY)");
        }

        @Test
        void missingStatusFails() throws IOException {
            // Given a service without status and one whose status is not a string
            Path backup = file("backup.json", """
                    {"services": [{"name": "db"}, {"name": "api", "status": true}, {"name": "ok", "status": "ready"}]}
                    """);

            // When / Then both are reported as having no status
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("2 of 3 services not ready: db (no status), api (no status)");
        }

        @Test
        void unnamedServiceIsNamedByItsIndex() throws IOException {
            // Given an unready service without a name
            Path backup = file("backup.json", "{\"services\":[{\"name\":\"a\",\"status\":\"ready\"},{\"status\":\"down\"}]}");

            // When / Then it is named by its index
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("services[1] (down)");
        }

        @Test
        void emptyServicesFails() throws IOException {
            // Given an empty services array
            Path backup = file("backup.json", "{\"services\": []}");

            // When / Then verification fails
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("'services' is empty");
        }

        @Test
        void missingServicesFails() throws IOException {
            // Given an object without services
            Path backup = file("backup.json", "{\"service\": [{\"status\": \"ready\"}]}");

            // When / Then verification fails
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("no 'services' array");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"services\": {}}", "{\"services\": \"ready\"}", "{\"services\": null}",
                "{\"services\": 3}"})
        void servicesThatIsNotAnArrayFails(String content) throws IOException {
            // Given services that is not an array
            Path backup = file("backup.json", content);

            // When / Then verification fails
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("'services' must be an array");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[\"ready\"]", "\"ready\"", "[[1]]"})
        void serviceEntryThatIsNotAnObjectFails(String entry) throws IOException {
            // Given a services entry that is not an object
            Path backup = file("backup.json", "{\"services\": [{\"name\":\"a\",\"status\":\"ready\"}, " + entry + "]}");

            // When / Then verification fails naming the entry
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("services[1] is not an object");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[{\"services\": []}]", "\"backup\"", "42", "null", "", "  \n "})
        void topLevelValueThatIsNotAnObjectFails(String content) throws IOException {
            // Given a backup whose top-level value is not an object (or nothing)
            Path backup = file("backup.json", content);

            // When / Then verification fails
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("must be a JSON object");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"services\": [{\"name\": \"a\", \"status\": \"ready\"}",
                "{\"services\": [{\"name\": \"a\", \"status\": \"ready\"]}",
                "{\"services\": [{\"name\": \"a\" \"status\": \"ready\"}]}",
                "{services: []}",
                "{\"services\": [{\"status\": 'ready'}]}",
        })
        void invalidJsonFails(String content) throws IOException {
            // Given a backup that is not valid JSON
            Path backup = file("backup.json", content);

            // When / Then verification fails with a location
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("backup.json is not valid JSON")
                    .hasMessageContaining("line 1");
        }

        @Test
        void trailingGarbageFails() throws IOException {
            // Given a valid backup followed by garbage
            Path backup = file("backup.json", "{\"services\": [{\"name\": \"a\", \"status\": \"ready\"}]} garbage");

            // When / Then verification fails
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("not valid JSON");
        }

        @Test
        void trailingSecondDocumentFails() throws IOException {
            // Given a valid backup followed by a second JSON document
            Path backup = file("backup.json",
                    "{\"services\": [{\"name\": \"a\", \"status\": \"ready\"}]}\n{\"services\": []}");

            // When / Then verification fails on the trailing content
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("trailing content");
        }

        @Test
        void trailingWhitespaceIsFine() throws IOException {
            // Given a valid backup followed by whitespace
            Path backup = file("backup.json", "{\"services\": [{\"status\": \"ready\"}]}\n\n  \t\n");

            // When / Then it passes
            assertThat(check.verify(backup).facts()).containsEntry("services_checked", 1);
        }

        @Test
        void missingFileFails() {
            // Given no backup
            Path missing = tempDir.resolve("missing.json");

            // When / Then verification fails
            assertThatThrownBy(() -> check.verify(missing))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("cannot be read");
        }

        @Test
        void moreThanTwentyUnreadyServicesAreSummarised() {
            // Given 25 unready services among 30
            Map<String, String> services = new LinkedHashMap<>();
            for (int i = 0; i < 25; i++) {
                services.put("down-" + i, "stopped");
            }
            for (int i = 0; i < 5; i++) {
                services.put("up-" + i, "ready");
            }
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withServices(services).write();

            // When / Then the first 20 are named and the rest are counted
            assertThatThrownBy(() -> check.verify(bundle.backupPath()))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("25 of 30 services not ready: down-0 (stopped), down-1 (stopped)")
                    .hasMessageContaining("down-19 (stopped)")
                    .hasMessageNotContaining("down-20")
                    .hasMessageEndingWith(" and 5 more");
        }

        @Test
        void exactlyTwentyUnreadyServicesAreAllNamed() {
            // Given exactly 20 unready services
            Map<String, String> services = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                services.put("down-" + i, "stopped");
            }
            TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withServices(services).write();

            // When / Then all are named and nothing is summarised
            assertThatThrownBy(() -> check.verify(bundle.backupPath()))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("down-19 (stopped)")
                    .hasMessageNotContaining("more");
        }

        @Test
        void longNamesAndStatusesAreAbbreviated() throws IOException {
            // Given an unready service with a very long name
            String longName = "n".repeat(500);
            Path backup = file("backup.json", "{\"services\":[{\"name\":\"" + longName + "\",\"status\":\"down\"}]}");

            // When / Then the name is abbreviated in the message
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("n".repeat(117) + "... (down)")
                    .hasMessageNotContaining("n".repeat(118));
        }

        @Test
        void largeGeneratedBackupPasses() throws IOException {
            // Given a backup with 200,000 ready services, written streaming
            int count = 200_000;
            Path backup = tempDir.resolve("large-backup.json");
            try (Writer out = new BufferedWriter(Files.newBufferedWriter(backup, StandardCharsets.UTF_8), 1 << 16)) {
                out.write("{\"format\":\"large\",\"services\":[");
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    out.write("{\"name\":\"service-" + i + "\",\"status\":\"ready\",\"region\":\"eu-west-1\"}");
                }
                out.write("],\"done\":true}\n");
            }

            // When it is verified
            StepResult outcome = check.verify(backup);

            // Then every service was checked
            assertThat(outcome.facts()).containsEntry("services_checked", count);
        }

        @Test
        void largeGeneratedBackupWithOneUnreadyServiceAtTheEndFails() throws IOException {
            // Given 100,000 ready services and one stopped service at the very end
            int count = 100_000;
            Path backup = tempDir.resolve("large-backup.json");
            try (Writer out = Files.newBufferedWriter(backup, StandardCharsets.UTF_8)) {
                out.write("{\"services\":[");
                for (int i = 0; i < count; i++) {
                    out.write("{\"name\":\"s" + i + "\",\"status\":\"ready\"},");
                }
                out.write("{\"name\":\"last\",\"status\":\"stopped\"}]}");
            }

            // When / Then verification fails naming it
            assertThatThrownBy(() -> check.verify(backup))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("1 of " + (count + 1) + " services not ready: last (stopped)");
        }
    }
}
