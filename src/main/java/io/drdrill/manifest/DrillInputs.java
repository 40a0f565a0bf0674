package io.drdrill.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every file a drill reads, named by its manifest field: what the drill must never write onto. Known from a
 * loaded manifest, or — so that even a drill of an invalid manifest cannot overwrite its inputs with evidence —
 * read as far as it goes from a manifest that does not load.
 */
public final class DrillInputs {

    public static final String MANIFEST = "the manifest";
    /** Not read by the drill but written by its restore: evidence must not land there either. */
    public static final String RESTORED_COPY = "the restored copy (restore.output_dir)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DrillInputs() {
    }

    /** @param field the manifest field that names the file, e.g. {@code backup.path} */
    public record Input(String field, Path path) {
    }

    /**
     * The manifest, backup, SBOM, provenance, trusted keys, recall script, check commands and password files;
     * the restored copy last.
     */
    public static List<Input> of(Manifest manifest) {
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input(MANIFEST, manifest.source()));
        inputs.add(new Input("backup.path", manifest.backup().path()));
        inputs.add(new Input("sbom.path", manifest.sbom().path()));
        inputs.add(new Input("provenance.path", manifest.provenance().path()));
        for (Path key : manifest.provenance().trustedKeys()) {
            inputs.add(new Input("provenance.trusted_keys", key));
        }
        manifest.restore().script().ifPresent(script -> inputs.add(new Input("restore.script", script)));
        for (PostRestoreCheck check : manifest.restore().checks()) {
            if (check instanceof PostRestoreCheck.Command command) {
                inputs.add(new Input("restore.checks path", command.path()));
            } else if (check instanceof PostRestoreCheck.Postgres postgres) {
                postgres.passwordFile().ifPresent(file -> inputs.add(new Input("restore.checks password_file", file)));
            }
        }
        inputs.add(new Input(RESTORED_COPY, manifest.restore().restoredFile(manifest.backup().path())));
        return inputs;
    }

    /**
     * The inputs of the manifest at {@code manifestFile}: all of them when it loads; otherwise the manifest itself
     * and whatever input path fields can still be read from it (no restored copy: it is never restored).
     */
    public static List<Input> of(Path manifestFile) {
        Path source = manifestFile.toAbsolutePath().normalize();
        try {
            return of(new ManifestLoader().load(source));
        } catch (InvalidManifestException invalid) {
            return bestEffort(source);
        }
    }

    private static List<Input> bestEffort(Path source) {
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input(MANIFEST, source));
        JsonNode root;
        try {
            if (!Files.isRegularFile(source) || Files.size(source) > ManifestLoader.MAX_MANIFEST_BYTES) {
                return inputs;
            }
            root = JSON.readTree(source.toFile());
        } catch (Exception unreadable) {
            return inputs;
        }
        if (root == null || !root.isObject()) {
            return inputs;
        }
        Path base = source.getParent();
        path(base, root.path("backup").path("path")).ifPresent(p -> inputs.add(new Input("backup.path", p)));
        path(base, root.path("sbom").path("path")).ifPresent(p -> inputs.add(new Input("sbom.path", p)));
        path(base, root.path("provenance").path("path")).ifPresent(p -> inputs.add(new Input("provenance.path", p)));
        for (JsonNode key : root.path("provenance").path("trusted_keys")) {
            path(base, key).ifPresent(p -> inputs.add(new Input("provenance.trusted_keys", p)));
        }
        path(base, root.path("restore").path("script")).ifPresent(p -> inputs.add(new Input("restore.script", p)));
        for (JsonNode check : root.path("restore").path("checks")) {
            path(base, check.path("path")).ifPresent(p -> inputs.add(new Input("restore.checks path", p)));
            path(base, check.path("password_file"))
                    .ifPresent(p -> inputs.add(new Input("restore.checks password_file", p)));
        }
        // no restored copy: a manifest that does not load is never restored
        return inputs;
    }

    private static Optional<Path> path(Path base, JsonNode node) {
        if (!node.isTextual() || node.asText().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(base.resolve(node.asText()).normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
