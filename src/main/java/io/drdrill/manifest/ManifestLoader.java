package io.drdrill.manifest;

import io.drdrill.schedule.Schedule;
import io.drdrill.step.Text;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.step.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and validates a drill manifest. Every problem is an {@link InvalidManifestException} naming the field. */
public final class ManifestLoader {

    static final long MAX_MANIFEST_BYTES = 1024 * 1024;
    /**
     * The longest recall a drill may take: a day. The restore runs in an external task whose worker extends its
     * short lock while the recall runs, so no job lock bounds it any more; a day still catches a typo in hours.
     */
    public static final long MAX_TIMEOUT_SECONDS = 86_400;

    /** A typo must not silently turn a check off (say {@code trustedKeys} for {@code trusted_keys}). */
    private static final Map<String, Set<String>> KNOWN_FIELDS = Map.of(
            "", Set.of("backup", "sbom", "provenance", "restore", "policies", "schedule", "description",
                    "$schema"),
            "backup", Set.of("path", "sha256", "captured_at", "format"),
            "sbom", Set.of("path", "require_digest_match", "min_components"),
            "provenance", Set.of("path", "trusted_keys", "require_signature", "expected_builder_ids",
                    "allowed_predicate_types"),
            "restore", Set.of("output_dir", "script", "copy_backup", "timeout_seconds", "checks", "site"),
            "policies", Set.of("max_rpo_minutes", "max_rto_seconds"),
            "schedule", Set.of("cron"));

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public Manifest load(Path manifestPath) {
        Path source = manifestPath.toAbsolutePath().normalize();
        byte[] bytes = read(source);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException("manifest " + source + " is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidManifestException("manifest " + source + " cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidManifestException("manifest " + source + " must be a JSON object");
        }
        onlyKnownFields(root, "", KNOWN_FIELDS.get(""));
        KNOWN_FIELDS.forEach((section, fields) -> {
            if (!section.isEmpty() && root.path(section).isObject()) {
                onlyKnownFields(root.get(section), section + ".", fields);
            }
        });
        Path base = source.getParent();
        Manifest.Backup backup = backup(root, base);
        return new Manifest(source, Sha256.hex(bytes), backup, sbom(root, base), provenance(root, base),
                restore(root, base, backup.path().getParent()), policies(root), schedule(root));
    }

    /** Optional; when present it must hold a cron the engine's timers would accept. */
    private static Optional<Schedule> schedule(JsonNode root) {
        JsonNode schedule = root.get("schedule");
        if (schedule == null || schedule.isNull()) {
            return Optional.empty();
        }
        if (!schedule.isObject()) {
            throw new InvalidManifestException("manifest field schedule: must be an object, e.g. "
                    + "{\"cron\": \"0 0 3 ? * MON\"}");
        }
        String cron = requiredText(schedule, "schedule.cron");
        try {
            return Optional.of(Schedule.of(cron));
        } catch (IllegalArgumentException e) {
            throw new InvalidManifestException("manifest field schedule.cron: " + e.getMessage());
        }
    }

    private static byte[] read(Path source) {
        try {
            if (Files.isDirectory(source)) {
                throw new InvalidManifestException("manifest " + source + " is a directory, not a file");
            }
            if (Files.exists(source) && !Files.isRegularFile(source)) {
                throw new InvalidManifestException("manifest " + source + " is not a regular file");
            }
            if (Files.size(source) > MAX_MANIFEST_BYTES) {
                throw new InvalidManifestException("manifest " + source + " is larger than 1 MiB");
            }
            return Files.readAllBytes(source);
        } catch (NoSuchFileException e) {
            throw new InvalidManifestException("manifest " + source + " does not exist");
        } catch (IOException e) {
            throw new InvalidManifestException("manifest " + source + " cannot be read: " + e.getMessage());
        }
    }

    private static void onlyKnownFields(JsonNode section, String prefix, Set<String> known) {
        section.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw new InvalidManifestException("manifest field " + prefix + Text.shorten(name, 80)
                        + ": unknown (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        });
    }

    private static Manifest.Backup backup(JsonNode root, Path base) {
        JsonNode backup = section(root, "backup");
        Path path = path(backup, "backup.path", base);
        if (path.getFileName() == null) {
            throw new InvalidManifestException("manifest field backup.path: must name a file, got " + path);
        }
        String digest = digest(requiredText(backup, "backup.sha256"));
        Instant capturedAt = instant(requiredText(backup, "backup.captured_at"), "backup.captured_at");
        Optional<String> format = optionalText(backup, "backup.format");
        BackupFormat resolved = format.isPresent()
                ? BackupFormat.byId(format.get()).orElseThrow(() -> new InvalidManifestException(
                        "manifest field backup.format: must be one of json, tar, tar.gz, raw, got '"
                                + Text.shorten(format.get(), 80) + "'"))
                : BackupFormat.byFileName(path.getFileName().toString()).orElseThrow(() -> new InvalidManifestException(
                        "manifest field backup.format: is required for " + path.getFileName()
                                + " (json, tar, tar.gz or raw); only .json, .tar, .tar.gz and .tgz imply one"));
        return new Manifest.Backup(path, digest, capturedAt, resolved);
    }

    private static Manifest.Sbom sbom(JsonNode root, Path base) {
        JsonNode sbom = section(root, "sbom");
        long minComponents = optionalNonNegativeInteger(sbom, "sbom.min_components", 1);
        return new Manifest.Sbom(path(sbom, "sbom.path", base),
                optionalBoolean(sbom, "sbom.require_digest_match", true), (int) Math.min(minComponents, Integer.MAX_VALUE));
    }

    private static Manifest.Provenance provenance(JsonNode root, Path base) {
        JsonNode provenance = section(root, "provenance");
        List<Path> keys = stringList(provenance, "provenance.trusted_keys").stream()
                .map(key -> resolve(base, key, "provenance.trusted_keys")).toList();
        boolean requireSignature = optionalBoolean(provenance, "provenance.require_signature", !keys.isEmpty());
        if (requireSignature && keys.isEmpty()) {
            throw new InvalidManifestException("manifest field provenance.require_signature: is true but "
                    + "provenance.trusted_keys names no key to verify with");
        }
        return new Manifest.Provenance(path(provenance, "provenance.path", base), keys, requireSignature,
                stringList(provenance, "provenance.expected_builder_ids"),
                stringList(provenance, "provenance.allowed_predicate_types"));
    }

    private static List<String> stringList(JsonNode section, String field) {
        JsonNode node = section.get(leaf(field));
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidManifestException("manifest field " + field + ": must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new InvalidManifestException("manifest field " + field + ": must be an array of non-empty strings");
            }
            values.add(item.asText());
        }
        return values;
    }

    private static Manifest.Restore restore(JsonNode root, Path base, Path backupFolder) {
        JsonNode restore = section(root, "restore");
        Path outputDir = path(restore, "restore.output_dir", base);
        Optional<Path> script = optionalText(restore, "restore.script").map(s -> resolve(base, s, "restore.script"));
        boolean copyBackup = optionalBoolean(restore, "restore.copy_backup", false);
        long timeout = optionalPositiveInteger(restore, "restore.timeout_seconds",
                Manifest.Restore.DEFAULT_TIMEOUT_SECONDS);
        if (timeout > MAX_TIMEOUT_SECONDS) {
            throw new InvalidManifestException("manifest field restore.timeout_seconds: at most "
                    + MAX_TIMEOUT_SECONDS + ", got " + timeout);
        }
        if (outputDir.equals(backupFolder)) {
            throw new InvalidManifestException("manifest field restore.output_dir: must not be the backup's own "
                    + "folder, the restored copy would replace the backup itself");
        }
        if (script.isEmpty() && !copyBackup) {
            throw new InvalidManifestException(
                    "manifest field restore: needs a script or copy_backup=true, otherwise nothing is restored");
        }
        Optional<String> site = optionalText(restore, "restore.site");
        site.map(RestoreSite::problem).ifPresent(problem -> {
            throw new InvalidManifestException("manifest field restore.site: " + problem + ", got '"
                    + io.drdrill.logging.TerminalText.escape(Text.shorten(site.get(), 80)) + "'");
        });
        return new Manifest.Restore(outputDir, script, copyBackup, timeout,
                PostRestoreCheckLoader.checks(restore, base), site);
    }

    private static Manifest.Policies policies(JsonNode root) {
        JsonNode policies = root.get("policies");
        if (policies == null || policies.isNull()) {
            return new Manifest.Policies(Optional.empty(), Optional.empty());
        }
        if (!policies.isObject()) {
            throw new InvalidManifestException("manifest field policies: must be an object");
        }
        return new Manifest.Policies(limit(policies, "policies.max_rpo_minutes"),
                limit(policies, "policies.max_rto_seconds"));
    }

    /** Normalises {@code sha256:<hex>} or bare hex, any case, to lower-case hex. */
    public static String digest(String value) {
        String hex = value.trim();
        if (hex.regionMatches(true, 0, "sha256:", 0, 7)) {
            hex = hex.substring(7);
        }
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new InvalidManifestException(
                    "manifest field backup.sha256: expected 64 hex characters, optionally prefixed with sha256:, got '"
                            + Text.shorten(value, 80) + "'");
        }
        return hex.toLowerCase(java.util.Locale.ROOT);
    }

    /** ISO-8601 date-time; without an offset it is UTC; within the years {@link Instants} accepts. */
    public static Instant instant(String value, String field) {
        return Instants.require(value, "manifest field " + field);
    }

    private static JsonNode section(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidManifestException("manifest field " + name + ": is required");
        }
        if (!node.isObject()) {
            throw new InvalidManifestException("manifest field " + name + ": must be an object");
        }
        return node;
    }

    private static Path path(JsonNode section, String field, Path base) {
        return resolve(base, requiredText(section, field), field);
    }

    private static Path resolve(Path base, String value, String field) {
        try {
            return base.resolve(value).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidManifestException("manifest field " + field + ": not a valid path: " + e.getMessage());
        }
    }

    private static String requiredText(JsonNode section, String field) {
        return optionalText(section, field)
                .orElseThrow(() -> new InvalidManifestException("manifest field " + field + ": is required"));
    }

    private static Optional<String> optionalText(JsonNode section, String field) {
        JsonNode node = section.get(leaf(field));
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new InvalidManifestException("manifest field " + field + ": must be a non-empty string");
        }
        return Optional.of(node.asText());
    }

    private static boolean optionalBoolean(JsonNode section, String field, boolean fallback) {
        JsonNode node = section.get(leaf(field));
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new InvalidManifestException("manifest field " + field + ": must be true or false");
        }
        return node.booleanValue();
    }

    private static long optionalNonNegativeInteger(JsonNode section, String field, long fallback) {
        JsonNode node = section.get(leaf(field));
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new InvalidManifestException("manifest field " + field + ": must be a non-negative integer, got "
                    + Text.shorten(node.toString(), 80));
        }
        return node.longValue();
    }

    private static long optionalPositiveInteger(JsonNode section, String field, long fallback) {
        JsonNode node = section.get(leaf(field));
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() <= 0) {
            throw new InvalidManifestException("manifest field " + field + ": must be a positive integer, got "
                    + Text.shorten(node.toString(), 80));
        }
        return node.longValue();
    }

    private static Optional<Double> limit(JsonNode policies, String field) {
        JsonNode node = policies.get(leaf(field));
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isNumber() || node.doubleValue() < 0 || !Double.isFinite(node.doubleValue())) {
            throw new InvalidManifestException("manifest field " + field + ": must be a non-negative number, got "
                    + Text.shorten(node.toString(), 80));
        }
        return Optional.of(node.doubleValue());
    }

    private static String leaf(String field) {
        return field.substring(field.lastIndexOf('.') + 1);
    }

}
