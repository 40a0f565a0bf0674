package io.drdrill.manifest;

import io.drdrill.step.Sha256;
import io.drdrill.testsupport.TestBundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestLoaderTest {

    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @TempDir
    Path tempDir;

    private final ManifestLoader loader = new ManifestLoader();
    private Path manifestFile;

    @BeforeEach
    void setUp() {
        manifestFile = tempDir.resolve("manifest.json");
    }

    /** A complete valid manifest with relative paths. */
    private static ObjectNode validManifest() {
        ObjectNode root = TestBundle.JSON.createObjectNode();
        ObjectNode backup = root.putObject("backup");
        backup.put("path", "backup.json");
        backup.put("sha256", "sha256:" + HEX);
        backup.put("captured_at", "2026-01-31T23:00:00Z");
        root.putObject("sbom").put("path", "sbom.cdx.json");
        root.putObject("provenance").put("path", "provenance.intoto.jsonl");
        ObjectNode restore = root.putObject("restore");
        restore.put("output_dir", "restored");
        restore.put("script", "./recall.sh");
        restore.put("copy_backup", true);
        restore.put("timeout_seconds", 120);
        ObjectNode policies = root.putObject("policies");
        policies.put("max_rpo_minutes", 60);
        policies.put("max_rto_seconds", 300.5);
        return root;
    }

    private Path write(JsonNode manifest) throws IOException {
        Files.write(manifestFile, TestBundle.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        return manifestFile;
    }

    private Path writeRaw(String content) throws IOException {
        Files.writeString(manifestFile, content, StandardCharsets.UTF_8);
        return manifestFile;
    }

    private Manifest load(JsonNode manifest) throws IOException {
        return loader.load(write(manifest));
    }

    private static JsonNode json(String raw) throws IOException {
        return TestBundle.JSON.readTree(raw);
    }

    /** Removes {@code section} or {@code section.field}. */
    private static ObjectNode without(ObjectNode manifest, String field) {
        int dot = field.indexOf('.');
        if (dot < 0) {
            manifest.remove(field);
        } else {
            ((ObjectNode) manifest.get(field.substring(0, dot))).remove(field.substring(dot + 1));
        }
        return manifest;
    }

    /** The manifest's {@code restore} section, to change a field of it. */
    private static ObjectNode restore(ObjectNode manifest) {
        return (ObjectNode) manifest.get("restore");
    }

    /** Loading the manifest fails as invalid; the returned assertion goes on with its message. */
    private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(JsonNode manifest) {
        return assertThatThrownBy(() -> load(manifest)).isInstanceOf(InvalidManifestException.class);
    }

    /** Sets {@code section.field} to the raw JSON value. */
    private static ObjectNode with(ObjectNode manifest, String field, String rawValue) throws IOException {
        int dot = field.indexOf('.');
        if (dot < 0) {
            manifest.set(field, json(rawValue));
        } else {
            ((ObjectNode) manifest.get(field.substring(0, dot))).set(field.substring(dot + 1), json(rawValue));
        }
        return manifest;
    }

    // ------------------------------------------------------------------ valid manifests

    @Test
    void loadsAValidManifest() throws IOException {
        // Given a complete manifest with relative paths
        Path file = write(validManifest());

        // When it is loaded
        Manifest manifest = loader.load(file);

        // Then every field is read, every path resolved against the manifest's folder
        Path base = tempDir.toAbsolutePath().normalize();
        assertThat(manifest.source()).isEqualTo(base.resolve("manifest.json"));
        assertThat(manifest.sha256()).isEqualTo(TestBundle.sha256(Files.readAllBytes(file)));
        assertThat(manifest.backup().path()).isEqualTo(base.resolve("backup.json"));
        assertThat(manifest.backup().sha256()).isEqualTo(HEX);
        assertThat(manifest.backup().capturedAt()).isEqualTo(Instant.parse("2026-01-31T23:00:00Z"));
        assertThat(manifest.sbom().path()).isEqualTo(base.resolve("sbom.cdx.json"));
        assertThat(manifest.provenance().path()).isEqualTo(base.resolve("provenance.intoto.jsonl"));
        assertThat(manifest.restore().outputDir()).isEqualTo(base.resolve("restored"));
        assertThat(manifest.restore().script()).contains(base.resolve("recall.sh"));
        assertThat(manifest.restore().copyBackup()).isTrue();
        assertThat(manifest.restore().timeoutSeconds()).isEqualTo(120);
        assertThat(manifest.restore().restoredFile(manifest.backup().path())).isEqualTo(base.resolve("restored/backup.json"));
        assertThat(manifest.policies().maxRpoMinutes()).contains(60.0);
        assertThat(manifest.policies().maxRtoSeconds()).contains(300.5);
    }

    @Test
    void loadsTheManifestWrittenByTestBundle() {
        // Given a bundle written by the shared test builder
        TestBundle bundle = TestBundle.create(tempDir.resolve("bundle")).withPolicies(60.0, 300.0).write();

        // When its manifest is loaded
        Manifest manifest = loader.load(bundle.manifestPath());

        // Then it points at the bundle's files
        assertThat(manifest.backup().path()).isEqualTo(bundle.backupPath());
        assertThat(manifest.backup().sha256()).isEqualTo(bundle.backupSha256());
        assertThat(manifest.sbom().path()).isEqualTo(bundle.sbomPath());
        assertThat(manifest.provenance().path()).isEqualTo(bundle.provenancePath());
        assertThat(manifest.restore().outputDir()).isEqualTo(bundle.restoreDir());
        assertThat(manifest.restore().script()).isEmpty();
        assertThat(manifest.restore().copyBackup()).isTrue();
    }

    @Test
    void relativePathsResolveAgainstTheManifestFolderNotTheWorkingDirectory() throws IOException {
        // Given a manifest in a nested folder with relative, parent-relative and absolute paths
        Path folder = tempDir.resolve("drills/nightly");
        Files.createDirectories(folder);
        ObjectNode manifest = validManifest();
        ((ObjectNode) manifest.get("backup")).put("path", "data/backup.json");
        ((ObjectNode) manifest.get("sbom")).put("path", "../shared/./sbom.json");
        ((ObjectNode) manifest.get("provenance")).put("path", tempDir.resolve("abs/prov.json").toString());
        restore(manifest).put("output_dir", "out");
        restore(manifest).put("script", "scripts/../recall.sh");
        Path file = folder.resolve("m.json");
        Files.write(file, TestBundle.JSON.writeValueAsBytes(manifest));

        // When it is loaded through a non-normalised path
        Manifest loaded = loader.load(folder.resolve("../nightly/./m.json"));

        // Then relative paths are resolved against the manifest's folder and normalised
        Path base = folder.toAbsolutePath().normalize();
        assertThat(loaded.source()).isEqualTo(base.resolve("m.json"));
        assertThat(loaded.backup().path()).isEqualTo(base.resolve("data/backup.json"));
        assertThat(loaded.sbom().path()).isEqualTo(tempDir.toAbsolutePath().normalize().resolve("drills/shared/sbom.json"));
        assertThat(loaded.provenance().path()).isEqualTo(tempDir.resolve("abs/prov.json"));
        assertThat(loaded.restore().outputDir()).isEqualTo(base.resolve("out"));
        assertThat(loaded.restore().script()).contains(base.resolve("recall.sh"));
    }

    @Test
    void manifestDigestIsTheDigestOfItsBytesAndChangesWithThem() throws IOException {
        // Given two manifests that differ only in whitespace
        Manifest compact = loader.load(writeRaw(TestBundle.JSON.writeValueAsString(validManifest())));
        String compactBytes = Files.readString(manifestFile);
        Manifest pretty = load(validManifest());

        // Then each digest is the SHA-256 of the exact bytes
        assertThat(compact.sha256()).isEqualTo(TestBundle.sha256(compactBytes.getBytes(StandardCharsets.UTF_8)));
        assertThat(pretty.sha256()).isEqualTo(TestBundle.sha256(Files.readAllBytes(manifestFile)));
        assertThat(compact.sha256()).isNotEqualTo(pretty.sha256()).matches("[0-9a-f]{64}");
    }

    // ------------------------------------------------------------------ backup.sha256

    @ParameterizedTest
    @ValueSource(strings = {
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "sha256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
            "SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "Sha256:9F86d081884c7D659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00A08",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
            "9f86D081884c7d659A2FEAA0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    })
    void sha256IsAcceptedWithOrWithoutPrefixInAnyCaseAndNormalisedToLowerCase(String value) throws IOException {
        // Given a manifest whose backup digest is written in this form
        ObjectNode manifest = validManifest();
        ((ObjectNode) manifest.get("backup")).put("sha256", value);

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then the digest is bare lower-case hex
        assertThat(loaded.backup().sha256()).isEqualTo(HEX);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0\"",      // 63 characters
            "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a088\"",    // 65 characters
            "\"zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"",     // not hex
            "\"sha512:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"",
            "\"sha256:\"",
            "\"\"",
            "\"   \"",
            "42",
            "true",
            "{}",
    })
    void malformedSha256IsRejectedNamingTheField(String rawValue) throws IOException {
        // Given a manifest with a malformed backup digest
        ObjectNode manifest = with(validManifest(), "backup.sha256", rawValue);

        // When / Then loading it fails naming backup.sha256
        assertRefused(manifest)
                .hasMessageContaining("backup.sha256");
    }

    // ------------------------------------------------------------------ backup.captured_at

    @ParameterizedTest
    @CsvSource({
            "2026-01-31T23:00:00Z,       2026-01-31T23:00:00Z",
            "2026-02-01T01:00:00+02:00,  2026-01-31T23:00:00Z",
            "2026-01-31T18:00:00-05:00,  2026-01-31T23:00:00Z",
            "2026-01-31T23:00:00.250Z,   2026-01-31T23:00:00.250Z",
            "2026-01-31T23:00:00,        2026-01-31T23:00:00Z",
            "2026-01-31T23:00,           2026-01-31T23:00:00Z",
            "2026-01-31T23:00:00.5,      2026-01-31T23:00:00.500Z",
    })
    void capturedAtWithAnOffsetIsHonouredAndWithoutOneIsUtc(String value, String expected) throws IOException {
        // Given a manifest whose captured_at is written with or without an offset
        ObjectNode manifest = validManifest();
        ((ObjectNode) manifest.get("backup")).put("captured_at", value);

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then captured_at is the expected instant (no offset means UTC)
        assertThat(loaded.backup().capturedAt()).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"yesterday\"", "\"2026-01-31\"", "\"31/01/2026 23:00\"", "\"2026-13-01T00:00:00Z\"",
            "\"\"", "1769900400", "[]"})
    void malformedCapturedAtIsRejectedNamingTheField(String rawValue) throws IOException {
        // Given a manifest with an unusable captured_at
        ObjectNode manifest = with(validManifest(), "backup.captured_at", rawValue);

        // When / Then loading it fails naming backup.captured_at
        assertRefused(manifest)
                .hasMessageContaining("backup.captured_at");
    }

    // ------------------------------------------------------------------ restore

    @Test
    void timeoutDefaultsTo3600Seconds() throws IOException {
        // Given a manifest without restore.timeout_seconds
        ObjectNode manifest = without(validManifest(), "restore.timeout_seconds");

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then the default applies
        assertThat(loaded.restore().timeoutSeconds())
                .isEqualTo(Manifest.Restore.DEFAULT_TIMEOUT_SECONDS)
                .isEqualTo(3600);
    }

    @Test
    void nullTimeoutAlsoMeansTheDefault() throws IOException {
        // Given restore.timeout_seconds: null
        ObjectNode manifest = with(validManifest(), "restore.timeout_seconds", "null");

        // When / Then the default applies
        assertThat(load(manifest).restore().timeoutSeconds()).isEqualTo(3600);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 30, 3_600, 6_000})
    void positiveIntegerTimeoutsAreAccepted(long timeout) throws IOException {
        // Given a positive integer timeout
        ObjectNode manifest = validManifest();
        restore(manifest).put("timeout_seconds", timeout);

        // When / Then it is kept as is
        assertThat(load(manifest).restore().timeoutSeconds()).isEqualTo(timeout);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "10.0", "\"10\"", "true", "[10]", "{}", "1e3",
            "99999999999999999999999"})
    void timeoutThatIsNotAPositiveIntegerIsRejected(String rawValue) throws IOException {
        // Given a manifest whose timeout is not a positive integer
        ObjectNode manifest = with(validManifest(), "restore.timeout_seconds", rawValue);

        // When / Then loading it fails naming restore.timeout_seconds
        assertRefused(manifest)
                .hasMessageContaining("restore.timeout_seconds")
                .hasMessageContaining("positive integer");
    }

    @Test
    void aManifestWithoutRestoreSiteRestoresAtTheDefaultSite() throws IOException {
        // Given a manifest that names no recovery site
        ObjectNode manifest = validManifest();

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then its restore runs at the site called default
        assertThat(loaded.restore().site()).isEmpty();
        assertThat(loaded.restore().siteOrDefault()).isEqualTo(RestoreSite.DEFAULT).isEqualTo("default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dc-b", "eu_west.1", "A", "x23456789012345678901234567890123456789012345678901234567890123"})
    void aRestoreSiteOfLettersDigitsDotsUnderscoresAndDashesIsKept(String site) throws IOException {
        // Given a manifest naming a recovery site of up to 63 such characters
        ObjectNode manifest = validManifest();
        restore(manifest).put("site", site);

        // When / Then the site is kept as written
        assertThat(load(manifest).restore().siteOrDefault()).isEqualTo(site);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"dc b\"", "\"dc/b\"", "\"../b\"", "\"\"", "\"  \"", "\"dc\\nb\"", "\"sité\"", "7", "true",
            "\"x234567890123456789012345678901234567890123456789012345678901234\""})
    void aRestoreSiteThatIsNotASiteNameIsRefusedInOneLine(String rawValue) throws IOException {
        // Given a manifest whose restore.site is not a name of letters, digits, '.', '_', '-' of at most 63 characters
        ObjectNode manifest = with(validManifest(), "restore.site", rawValue);

        // When / Then loading it fails naming restore.site, in one line
        assertRefused(manifest)
                .hasMessageStartingWith("manifest field restore.site: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void restoreWithoutScriptAndWithoutCopyBackupIsRejected() throws IOException {
        // Given a restore section that would restore nothing
        ObjectNode manifest = without(validManifest(), "restore.script");
        restore(manifest).put("copy_backup", false);

        // When / Then loading it fails naming restore
        assertRefused(manifest)
                .hasMessageContaining("restore")
                .hasMessageContaining("copy_backup");
    }

    @Test
    void restoreWithoutScriptAndWithCopyBackupAbsentIsRejected() throws IOException {
        // Given no script and copy_backup left out (it defaults to false)
        ObjectNode manifest = without(without(validManifest(), "restore.script"), "restore.copy_backup");

        // When / Then loading it fails
        assertRefused(manifest)
                .hasMessageContaining("restore");
    }

    @Test
    void copyBackupAloneIsEnough() throws IOException {
        // Given no script but copy_backup=true
        ObjectNode manifest = without(validManifest(), "restore.script");

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then there is no script and the backup is copied
        assertThat(loaded.restore().script()).isEmpty();
        assertThat(loaded.restore().copyBackup()).isTrue();
    }

    @Test
    void scriptAloneIsEnoughAndCopyBackupDefaultsToFalse() throws IOException {
        // Given a script and no copy_backup
        ObjectNode manifest = without(validManifest(), "restore.copy_backup");

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then copy_backup is false
        assertThat(loaded.restore().copyBackup()).isFalse();
        assertThat(loaded.restore().script()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"true\"", "1", "[]"})
    void copyBackupMustBeABoolean(String rawValue) throws IOException {
        // Given a non-boolean copy_backup
        ObjectNode manifest = with(validManifest(), "restore.copy_backup", rawValue);

        // When / Then loading it fails naming restore.copy_backup
        assertRefused(manifest)
                .hasMessageContaining("restore.copy_backup");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"  \"", "5", "[\"a.sh\"]"})
    void scriptMustBeANonEmptyString(String rawValue) throws IOException {
        // Given a script that is not a usable string
        ObjectNode manifest = with(validManifest(), "restore.script", rawValue);

        // When / Then loading it fails naming restore.script
        assertRefused(manifest)
                .hasMessageContaining("restore.script");
    }

    // ------------------------------------------------------------------ policies

    @Test
    void policiesAreOptionalAndAbsentMeansNoLimits() throws IOException {
        // Given a manifest without policies
        ObjectNode manifest = without(validManifest(), "policies");

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then there are no limits
        assertThat(loaded.policies().maxRpoMinutes()).isEmpty();
        assertThat(loaded.policies().maxRtoSeconds()).isEmpty();
    }

    @Test
    void nullPoliciesAndEmptyPoliciesMeanNoLimits() throws IOException {
        // Given policies: null, then policies: {}
        Manifest nullPolicies = load(with(validManifest(), "policies", "null"));
        Manifest emptyPolicies = load(with(validManifest(), "policies", "{}"));

        // Then neither has limits
        assertThat(nullPolicies.policies()).isEqualTo(new Manifest.Policies(Optional.empty(), Optional.empty()));
        assertThat(emptyPolicies.policies()).isEqualTo(new Manifest.Policies(Optional.empty(), Optional.empty()));
    }

    @Test
    void eachLimitIsOptionalAndZeroIsALimit() throws IOException {
        // Given only an RPO limit of 0 and an explicit null RTO limit
        ObjectNode manifest = with(validManifest(), "policies", "{\"max_rpo_minutes\": 0, \"max_rto_seconds\": null}");

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then the RPO limit is 0 and there is no RTO limit
        assertThat(loaded.policies().maxRpoMinutes()).contains(0.0);
        assertThat(loaded.policies().maxRtoSeconds()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max_rpo_minutes | -1",
            "max_rpo_minutes | -0.5",
            "max_rpo_minutes | \"15\"",
            "max_rpo_minutes | true",
            "max_rpo_minutes | [15]",
            "max_rpo_minutes | {}",
            "max_rto_seconds | -1",
            "max_rto_seconds | \"300\"",
            "max_rto_seconds | false",
    })
    void negativeOrNonNumericLimitsAreRejectedNamingTheField(String limit, String rawValue) throws IOException {
        // Given a policy limit that is negative or not a number
        ObjectNode manifest = with(validManifest(), "policies." + limit, rawValue);

        // When / Then loading it fails naming the limit
        assertRefused(manifest)
                .hasMessageContaining("policies." + limit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"none\"", "60"})
    void policiesMustBeAnObject(String rawValue) throws IOException {
        // Given policies that is not an object
        ObjectNode manifest = with(validManifest(), "policies", rawValue);

        // When / Then loading it fails naming policies
        assertRefused(manifest)
                .hasMessageContaining("policies");
    }

    // ------------------------------------------------------------------ required fields

    @ParameterizedTest
    @ValueSource(strings = {"backup", "backup.path", "backup.sha256", "backup.captured_at", "sbom", "sbom.path",
            "provenance", "provenance.path", "restore", "restore.output_dir"})
    void missingRequiredFieldIsRejectedNamingIt(String field) throws IOException {
        // Given a manifest without this required field
        ObjectNode manifest = without(validManifest(), field);

        // When / Then loading it fails naming the field
        assertRefused(manifest)
                .hasMessageContaining("manifest field " + field + ":")
                .hasMessageContaining("required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"backup.path", "backup.sha256", "backup.captured_at", "sbom.path", "provenance.path",
            "restore.output_dir"})
    void nullRequiredFieldIsRejectedNamingIt(String field) throws IOException {
        // Given a required field set to null
        ObjectNode manifest = with(validManifest(), field, "null");

        // When / Then loading it fails naming the field
        assertRefused(manifest)
                .hasMessageContaining(field);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "backup            | \"backup.json\"",
            "sbom              | [\"sbom.json\"]",
            "provenance        | 7",
            "restore           | true",
            "backup.path       | 5",
            "backup.path       | \"\"",
            "sbom.path         | {}",
            "provenance.path   | \"   \"",
            "restore.output_dir| false",
    })
    void wronglyTypedFieldIsRejectedNamingIt(String field, String rawValue) throws IOException {
        // Given a field of the wrong JSON type
        ObjectNode manifest = with(validManifest(), field, rawValue);

        // When / Then loading it fails naming the field
        assertRefused(manifest)
                .hasMessageContaining("manifest field " + field + ":");
    }

    @Test
    void pathWithANulCharacterIsRejectedNamingTheField() throws IOException {
        // Given a backup path holding a NUL character
        ObjectNode manifest = validManifest();
        ((ObjectNode) manifest.get("backup")).put("path", "back\u0000up.json");

        // When / Then loading it fails naming backup.path
        assertRefused(manifest)
                .hasMessageContaining("backup.path");
    }

    @Test
    void scriptWithANulCharacterIsRejectedNamingTheField() throws IOException {
        // Given a recall script path holding a NUL character
        ObjectNode manifest = validManifest();
        restore(manifest).put("script", "rec\u0000all.sh");

        // When / Then loading it fails with an InvalidManifestException naming restore.script
        assertRefused(manifest)
                .hasMessageContaining("restore.script");
    }

    // ------------------------------------------------------------------ unreadable manifests

    @Test
    void missingFileIsRejected() {
        // Given a path where no file exists
        Path missing = tempDir.resolve("nope/manifest.json");

        // When / Then loading it fails saying so
        assertThatThrownBy(() -> loader.load(missing))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("manifest.json");
    }

    @Test
    void directoryIsRejected() throws IOException {
        // Given a directory instead of a file
        Path dir = Files.createDirectories(tempDir.resolve("manifest.d"));

        // When / Then loading it fails saying so
        assertThatThrownBy(() -> loader.load(dir))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"backup\": }", "not json at all", "{\"backup\": {\"path\": 'x'}}",
            "{\"a\":1,}"})
    void invalidJsonIsRejected(String content) throws IOException {
        // Given a manifest that is not valid JSON
        Path file = writeRaw(content);

        // When / Then loading it fails saying so
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"backup\": {}}]", "\"manifest\"", "42", "null", "true", "", "   \n"})
    void jsonThatIsNotAnObjectIsRejected(String content) throws IOException {
        // Given a manifest whose top-level JSON value is not an object (or that is empty)
        Path file = writeRaw(content);

        // When / Then loading it fails saying it must be an object
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("must be a JSON object");
    }

    @Test
    void duplicateTopLevelKeysAreRejected() throws IOException {
        // Given a manifest with the backup section twice (the second one could silently win)
        String valid = TestBundle.JSON.writeValueAsString(validManifest());
        String duplicated = valid.substring(0, valid.length() - 1)
                + ",\"backup\":{\"path\":\"other.json\",\"sha256\":\"" + HEX + "\",\"captured_at\":\"2026-01-01T00:00:00Z\"}}";
        Path file = writeRaw(duplicated);

        // When / Then loading it fails naming the duplicated key
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("backup");
    }

    @Test
    void duplicateNestedKeysAreRejected() throws IOException {
        // Given a backup section with sha256 twice
        Path file = writeRaw("""
                {"backup": {"path": "backup.json", "sha256": "%s", "sha256": "%s",
                            "captured_at": "2026-01-31T23:00:00Z"},
                 "sbom": {"path": "s.json"}, "provenance": {"path": "p.json"},
                 "restore": {"output_dir": "out", "copy_backup": true}}
                """.formatted(HEX, "0".repeat(64)));

        // When / Then loading it fails naming the duplicated key
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("Duplicate field 'sha256'");
    }

    @Test
    void trailingContentAfterTheManifestIsRejected() throws IOException {
        // Given a valid manifest followed by a second object
        String valid = TestBundle.JSON.writeValueAsString(validManifest());
        Path file = writeRaw(valid + "\n{\"backup\": {\"path\": \"other.json\"}}\n");

        // When / Then loading it fails
        assertThatThrownBy(() -> loader.load(file)).isInstanceOf(InvalidManifestException.class);
    }

    @Test
    void manifestLargerThanOneMebibyteIsRejected() throws IOException {
        // Given a valid manifest padded past 1 MiB
        ObjectNode manifest = validManifest();
        manifest.put("comment", "x".repeat(1024 * 1024));
        Path file = write(manifest);

        // When / Then loading it fails on size before parsing
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("larger than 1 MiB");
    }

    @Test
    void aDescriptionIsAllowedButUnknownFieldsAreRefusedByName() throws IOException {
        // Given a valid manifest with a description, and one with a misspelt provenance field
        ObjectNode described = validManifest();
        described.put("description", "nightly drill");
        ObjectNode misspelt = validManifest();
        ((ObjectNode) misspelt.get("provenance")).putArray("trustedKeys").add("key.pem");

        // When / Then the first loads, and the typo cannot silently turn signature checking off
        assertThat(load(described).backup().sha256()).isEqualTo(HEX);
        assertRefused(misspelt)
                .hasMessageContaining("provenance.trustedKeys: unknown").hasMessageContaining("trusted_keys");
    }

    @ParameterizedTest
    @ValueSource(longs = {86_401, 9_000_000_000L})
    void timeoutsLongerThanADayAreRefused(long timeout) {
        ObjectNode manifest = validManifest();
        restore(manifest).put("timeout_seconds", timeout);

        assertRefused(manifest)
                .hasMessageContaining("restore.timeout_seconds: at most 86400");
    }

    // ------------------------------------------------------------------ static helpers

    @Test
    void digestHelperNormalisesAndRejects() {
        // Given / When / Then the public helper behaves like the field parsing
        assertThat(ManifestLoader.digest("  SHA256:" + HEX.toUpperCase() + "  ")).isEqualTo(HEX);
        assertThatThrownBy(() -> ManifestLoader.digest("sha256:" + HEX.substring(1)))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("backup.sha256");
    }

    @Test
    void instantHelperNamesTheGivenField() {
        // Given / When / Then the error names the field passed in
        assertThat(ManifestLoader.instant("2026-01-31T23:00:00", "x.at")).isEqualTo(Instant.parse("2026-01-31T23:00:00Z"));
        assertThatThrownBy(() -> ManifestLoader.instant("soon", "x.at"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("manifest field x.at:");
    }

    // ------------------------------------------------------------------ schedule

    @Test
    void aManifestWithoutScheduleIsUnscheduled() throws IOException {
        // Given a manifest without a schedule section
        // When it is loaded
        Manifest manifest = load(validManifest());

        // Then it has no schedule
        assertThat(manifest.schedule()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 3 ? * MON", "0 * * ? * *", "0 */15 * * * *", "0 0 2 L * ?", "0 30 1 ? * MON-FRI"})
    void aCronInTheEnginesTimerSyntaxIsTheManifestsSchedule(String cron) throws IOException {
        // Given a manifest with a schedule in the syntax of Camunda's timeCycle crons (seconds first)
        ObjectNode manifest = validManifest();
        manifest.putObject("schedule").put("cron", cron);

        // When it is loaded
        Manifest loaded = load(manifest);

        // Then the schedule holds the cron as written
        assertThat(loaded.schedule()).map(io.drdrill.schedule.Schedule::cron).contains(cron);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0 0 3 * *\"", "\"every monday\"", "\"0 0 25 ? * MON\"", "\"0 0 3 ? * FUNDAY\"",
            "\"0 0 3 ? * MON 2027\"", "\"\"", "42", "null"})
    void anInvalidCronIsAnInvalidManifestNamingScheduleCron(String rawValue) throws IOException {
        // Given a schedule whose cron the engine's timers would not accept (five fields, words, hour 25, a year
        // field, empty, a number, missing)
        ObjectNode manifest = validManifest();
        manifest.putObject("schedule").set("cron", json(rawValue));

        // When / Then loading it fails with one line naming schedule.cron
        assertRefused(manifest)
                .hasMessageStartingWith("manifest field schedule.cron: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anUnknownFieldInScheduleIsRefused() throws IOException {
        // Given a schedule with a typo for cron
        ObjectNode manifest = validManifest();
        manifest.putObject("schedule").put("crontab", "0 0 3 ? * MON");

        // When / Then loading it fails naming the unknown field
        assertRefused(manifest)
                .hasMessageContaining("manifest field schedule.crontab: unknown");
    }

    @Test
    void aScheduleThatIsNotAnObjectIsRefused() throws IOException {
        // Given a schedule written as a bare string
        ObjectNode manifest = with(validManifest(), "schedule", "\"0 0 3 ? * MON\"");

        // When / Then loading it fails naming the section
        assertRefused(manifest)
                .hasMessageStartingWith("manifest field schedule: must be an object");
    }
}
