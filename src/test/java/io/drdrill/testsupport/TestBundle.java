package io.drdrill.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds a complete, valid drill bundle in a folder: a backup with ready services, a CycloneDX SBOM, a DSSE
 * provenance envelope naming the backup's digest, an optional recall script and a manifest pointing at all of it.
 *
 * <pre>{@code
 * TestBundle bundle = TestBundle.create(tempDir)
 *         .withPolicies(60.0, 300.0)
 *         .withScript("#!/bin/sh\ncp \"$BACKUP_PATH\" \"$RESTORE_DIR/\"\n")
 *         .write();
 * Manifest manifest = new ManifestLoader().load(bundle.manifestPath());
 * }</pre>
 *
 * Every {@code with...} method only changes the configuration; {@link #write()} (re)writes all files. Paths are
 * fixed, so the path accessors can be used before or after writing.
 */
public final class TestBundle {

    /** Shared mapper for building and parsing JSON in tests. */
    public static final ObjectMapper JSON = new ObjectMapper();

    public static final String BACKUP_FILE = "backup.json";
    public static final String SBOM_FILE = "sbom.cdx.json";
    public static final String PROVENANCE_FILE = "provenance.intoto.json";
    public static final String SCRIPT_FILE = "recall.sh";
    public static final String MANIFEST_FILE = "manifest.json";
    public static final String RESTORE_DIR = "restored";
    public static final String EVIDENCE_DIR = "evidence";

    public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
    public static final String STATEMENT_V1 = "https://in-toto.io/Statement/v1";
    public static final String STATEMENT_V01 = "https://in-toto.io/Statement/v0.1";
    public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

    private final Path dir;
    private final Map<String, String> services = new LinkedHashMap<>();
    private Instant capturedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(10, ChronoUnit.MINUTES);
    private String capturedAtText;
    private Double maxRpoMinutes;
    private Double maxRtoSeconds;
    private boolean policies = true;
    private String script;
    private boolean copyBackup = true;
    private Long timeoutSeconds;
    private int sbomComponents = 3;
    private String provenanceDigest;
    private String manifestDigest;
    private final List<Consumer<ObjectNode>> manifestTweaks = new ArrayList<>();
    private byte[] backupBytes;

    private TestBundle(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        withReadyServices(3);
    }

    /** A bundle in {@code dir} with defaults: 3 ready services, captured 10 minutes ago, copy_backup, no script, no limits. */
    public static TestBundle create(Path dir) {
        return new TestBundle(dir);
    }

    // ---------------------------------------------------------------- configuration

    /** Replaces the services with {@code count} services named {@code svc-0..} whose status is "ready". */
    public TestBundle withReadyServices(int count) {
        services.clear();
        for (int i = 0; i < count; i++) {
            services.put("svc-" + i, "ready");
        }
        return this;
    }

    /** Replaces the services: name to status, in order (a null status writes a service without a status). */
    public TestBundle withServices(Map<String, String> nameToStatus) {
        services.clear();
        services.putAll(nameToStatus);
        return this;
    }

    /** Adds (or replaces) one service. */
    public TestBundle withService(String name, String status) {
        services.put(name, status);
        return this;
    }

    public TestBundle withCapturedAt(Instant capturedAt) {
        this.capturedAt = capturedAt;
        this.capturedAtText = null;
        return this;
    }

    /** Writes {@code captured_at} verbatim, e.g. without an offset. */
    public TestBundle withCapturedAtText(String capturedAt) {
        this.capturedAtText = capturedAt;
        return this;
    }

    /** Limits; null leaves a limit out. */
    public TestBundle withPolicies(Double maxRpoMinutes, Double maxRtoSeconds) {
        this.policies = true;
        this.maxRpoMinutes = maxRpoMinutes;
        this.maxRtoSeconds = maxRtoSeconds;
        return this;
    }

    /** Leaves the {@code policies} section out of the manifest. */
    public TestBundle withoutPolicies() {
        this.policies = false;
        this.maxRpoMinutes = null;
        this.maxRtoSeconds = null;
        return this;
    }

    /** A recall script, written executable as {@value #SCRIPT_FILE} and named in the manifest. */
    public TestBundle withScript(String content) {
        this.script = content;
        return this;
    }

    public TestBundle withoutScript() {
        this.script = null;
        return this;
    }

    public TestBundle withCopyBackup(boolean copyBackup) {
        this.copyBackup = copyBackup;
        return this;
    }

    /** null leaves {@code timeout_seconds} out (the loader's default applies). */
    public TestBundle withTimeoutSeconds(Long timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
        return this;
    }

    public TestBundle withSbomComponents(int count) {
        this.sbomComponents = count;
        return this;
    }

    /** The digest the provenance names (default: the backup's real digest). */
    public TestBundle withProvenanceDigest(String sha256) {
        this.provenanceDigest = sha256;
        return this;
    }

    /** The value of {@code backup.sha256} in the manifest (default: the backup's real digest, bare hex). */
    public TestBundle withManifestSha256(String sha256) {
        this.manifestDigest = sha256;
        return this;
    }

    /** Applied to the manifest JSON just before it is written. */
    public TestBundle withManifestTweak(Consumer<ObjectNode> tweak) {
        manifestTweaks.add(tweak);
        return this;
    }

    // ---------------------------------------------------------------- writing

    /** Writes (or rewrites) every file of the bundle. */
    public TestBundle write() {
        try {
            Files.createDirectories(dir);
            backupBytes = backupJson();
            Files.write(backupPath(), backupBytes);
            Files.write(sbomPath(), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(sbom(sbomComponents, backupSha256())));
            String named = provenanceDigest != null ? provenanceDigest : backupSha256();
            Files.write(provenancePath(), JSON.writeValueAsBytes(dsseEnvelope(BACKUP_FILE, named)));
            if (script != null) {
                writeExecutable(scriptPath(), script);
            } else {
                Files.deleteIfExists(scriptPath());
            }
            Files.write(manifestPath(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifestJson()));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest as it would be written now (paths relative to the bundle folder). */
    public ObjectNode manifestJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode backup = root.putObject("backup");
        backup.put("path", BACKUP_FILE);
        backup.put("sha256", manifestDigest != null ? manifestDigest : "sha256:" + backupSha256());
        backup.put("captured_at", capturedAtText != null ? capturedAtText : capturedAt.toString());
        root.putObject("sbom").put("path", SBOM_FILE);
        root.putObject("provenance").put("path", PROVENANCE_FILE);
        ObjectNode restore = root.putObject("restore");
        restore.put("output_dir", RESTORE_DIR);
        if (script != null) {
            restore.put("script", "./" + SCRIPT_FILE);
        }
        restore.put("copy_backup", copyBackup);
        if (timeoutSeconds != null) {
            restore.put("timeout_seconds", timeoutSeconds);
        }
        if (policies) {
            ObjectNode limits = root.putObject("policies");
            if (maxRpoMinutes != null) {
                limits.put("max_rpo_minutes", maxRpoMinutes);
            }
            if (maxRtoSeconds != null) {
                limits.put("max_rto_seconds", maxRtoSeconds);
            }
        }
        manifestTweaks.forEach(t -> t.accept(root));
        return root;
    }

    private byte[] backupJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "drdrill-test-backup");
        root.put("captured_at", capturedAt.toString());
        ArrayNode array = root.putArray("services");
        services.forEach((name, status) -> {
            ObjectNode service = array.addObject();
            service.put("name", name);
            if (status != null) {
                service.put("status", status);
            }
        });
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    // ---------------------------------------------------------------- accessors

    public Path dir() {
        return dir;
    }

    public Path manifestPath() {
        return dir.resolve(MANIFEST_FILE);
    }

    public Path backupPath() {
        return dir.resolve(BACKUP_FILE);
    }

    public Path sbomPath() {
        return dir.resolve(SBOM_FILE);
    }

    public Path provenancePath() {
        return dir.resolve(PROVENANCE_FILE);
    }

    public Path scriptPath() {
        return dir.resolve(SCRIPT_FILE);
    }

    public Path restoreDir() {
        return dir.resolve(RESTORE_DIR);
    }

    /** Where the restored copy of the backup is expected. */
    public Path restoredFile() {
        return restoreDir().resolve(BACKUP_FILE);
    }

    /** A folder for evidence, inside the bundle folder. */
    public Path evidenceDir() {
        return dir.resolve(EVIDENCE_DIR);
    }

    public Instant capturedAt() {
        return capturedAt;
    }

    /** SHA-256 of the backup as configured now, lower-case hex without prefix. */
    public String backupSha256() {
        try {
            return sha256(backupBytes != null ? backupBytes : backupJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- static helpers

    /** Writes {@code content} to {@code file} with mode rwxr-xr-x. */
    public static Path writeExecutable(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    /**
     * A schema-valid CycloneDX 1.5 SBOM with {@code components} library components whose
     * {@code metadata.component} is the backup, with its SHA-256 in {@code hashes}.
     */
    public static ObjectNode sbom(int components, String backupSha256) {
        ObjectNode root = sbom(components);
        ObjectNode metadata = JSON.createObjectNode();
        ObjectNode backup = metadata.putObject("component");
        backup.put("type", "data");
        backup.put("name", BACKUP_FILE);
        backup.putArray("hashes").addObject().put("alg", "SHA-256").put("content", backupSha256);
        root.set("metadata", metadata);
        return root;
    }

    /** A schema-valid CycloneDX 1.5 SBOM with {@code components} library components and no metadata. */
    public static ObjectNode sbom(int components) {
        ObjectNode root = JSON.createObjectNode();
        root.put("bomFormat", "CycloneDX");
        root.put("specVersion", "1.5");
        root.put("version", 1);
        ArrayNode array = root.putArray("components");
        for (int i = 0; i < components; i++) {
            ObjectNode component = array.addObject();
            component.put("type", "library");
            component.put("name", "component-" + i);
            component.put("version", "1." + i + ".0");
            component.put("purl", "pkg:maven/io.drdrill/component-" + i + "@1." + i + ".0");
        }
        return root;
    }

    /** An in-toto Statement (of {@code type}) with one subject and an empty SLSA v1 predicate. */
    public static ObjectNode statement(String type, String subjectName, String sha256) {
        ObjectNode statement = JSON.createObjectNode();
        statement.put("_type", type);
        ObjectNode subject = statement.putArray("subject").addObject();
        subject.put("name", subjectName);
        subject.putObject("digest").put("sha256", sha256);
        statement.put("predicateType", SLSA_PROVENANCE_V1);
        statement.putObject("predicate");
        return statement;
    }

    /** An in-toto v1 Statement with one subject. */
    public static ObjectNode statement(String subjectName, String sha256) {
        return statement(STATEMENT_V1, subjectName, sha256);
    }

    /** A DSSE envelope: payload = standard base64 of {@code payload}, no signatures. */
    public static ObjectNode dsseEnvelope(String payloadType, byte[] payload) {
        return dsseEnvelopeWithRawPayload(payloadType, Base64.getEncoder().encodeToString(payload));
    }

    /** A DSSE envelope whose {@code payload} field is {@code encodedPayload} verbatim. */
    public static ObjectNode dsseEnvelopeWithRawPayload(String payloadType, String encodedPayload) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("payloadType", payloadType);
        envelope.put("payload", encodedPayload);
        envelope.putArray("signatures");
        return envelope;
    }

    /** A DSSE envelope carrying {@code statement}. */
    public static ObjectNode dsseEnvelope(ObjectNode statement) {
        try {
            return dsseEnvelope(IN_TOTO_PAYLOAD_TYPE, JSON.writeValueAsBytes(statement));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A DSSE envelope carrying an in-toto v1 Statement about {@code subjectName} with {@code sha256}. */
    public static ObjectNode dsseEnvelope(String subjectName, String sha256) {
        return dsseEnvelope(statement(subjectName, sha256));
    }

}
