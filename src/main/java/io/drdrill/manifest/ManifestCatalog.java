package io.drdrill.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder drills may be started from. A caller names a manifest by its path relative to the catalog; anything
 * that resolves outside it ({@code ..}, absolute paths, symlinks pointing out) is refused before anything runs.
 */
public final class ManifestCatalog {

    private static final int MAX_DEPTH = 4;

    private final Path root;

    public ManifestCatalog(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * @throws ManifestRefusedException when the name points outside the catalog
     * @throws InvalidManifestException when there is no such manifest
     */
    public Path resolve(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidManifestException("a manifest from the catalog is required");
        }
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            throw refused(name, "not a valid path");
        }
        if (relative.isAbsolute()) {
            throw refused(name, "absolute paths are not accepted; name a manifest relative to the catalog");
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw refused(name, "'..' is not accepted");
            }
        }
        Path candidate = root.resolve(relative).normalize();
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            throw new InvalidManifestException("manifest " + candidate + " does not exist");
        }
        if (!real.startsWith(realRoot())) {
            throw refused(name, "it resolves to " + real + ", outside the catalog (symbolic link?)");
        }
        if (!Files.isRegularFile(real)) {
            throw refused(name, "not a regular file");
        }
        return real;
    }

    /** Manifests in the catalog ({@code *.json} files that load as manifests), relative paths, sorted. */
    public List<String> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        ManifestLoader loader = new ManifestLoader();
        try (Stream<Path> files = Files.walk(root, MAX_DEPTH)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                    .filter(f -> loads(loader, f))
                    .map(f -> root.relativize(f).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the manifest catalog " + root, e);
        }
    }

    private static boolean loads(ManifestLoader loader, Path file) {
        try {
            loader.load(file);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Path realRoot() {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new InvalidManifestException("the manifest catalog " + root + " does not exist");
        }
    }

    private ManifestRefusedException refused(String name, String why) {
        return new ManifestRefusedException("manifest '" + name + "' is refused: " + why);
    }
}
