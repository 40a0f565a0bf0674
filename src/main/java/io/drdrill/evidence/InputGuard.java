package io.drdrill.evidence;

import io.drdrill.manifest.DrillInputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Inputs are read-only to a drill: before anything is written, every file the drill will write is resolved to
 * the file it would really land on (through symbolic links, hard links and linked folders) and compared with
 * every input. A drill whose evidence would replace its backup, manifest or keys is refused, not run.
 */
public final class InputGuard {

    private InputGuard() {
    }

    /** @param what how the refusal names the write, e.g. {@code --output} or {@code the engine log} */
    public record Write(String what, Path path) {
    }

    /** The files a drill with these evidence paths writes, besides temporary files of its own random names. */
    public static List<Write> evidenceWrites(EvidencePaths paths, Optional<Path> engineLog) {
        List<Write> writes = new ArrayList<>();
        writes.add(new Write("the report", paths.report()));
        writes.add(new Write("the events", paths.events()));
        writes.add(new Write("the metrics", paths.metrics()));
        writes.add(new Write("the report page", paths.reportPage()));
        writes.add(new Write("the attestation", paths.attestation()));
        writes.add(new Write("the engine history", paths.engineHistory()));
        for (Path log : paths.restoreLogs()) {
            writes.add(new Write("the recall log", log));
        }
        engineLog.ifPresent(log -> writes.add(new Write("the engine log", log)));
        return writes;
    }

    /**
     * @return why the drill must not start, naming both paths, or empty when no write lands on an input, on
     * another write, or inside an input file; and the restored copy is none of the other inputs
     */
    public static Optional<String> conflict(List<DrillInputs.Input> inputs, List<Write> writes) {
        for (int i = 0; i < writes.size(); i++) {
            Write write = writes.get(i);
            Path target = landing(write.path());
            for (DrillInputs.Input input : inputs) {
                Optional<String> clash = clash(write.what(), write.path(), target, input.field(), input.path());
                if (clash.isPresent()) {
                    return clash;
                }
            }
            for (int j = 0; j < i; j++) {
                Write other = writes.get(j);
                if (target.equals(landing(other.path())) || sameFile(write.path(), other.path())) {
                    return Optional.of(write.what() + " " + write.path() + " is the same file as " + other.what()
                            + " " + other.path() + ": one would overwrite the other");
                }
            }
        }
        List<DrillInputs.Input> read = inputs.stream().filter(in -> !in.field().equals(DrillInputs.RESTORED_COPY)).toList();
        for (DrillInputs.Input restored : inputs) {
            if (restored.field().equals(DrillInputs.RESTORED_COPY)) {
                Path target = landing(restored.path());
                for (DrillInputs.Input input : read) {
                    Optional<String> clash = clash("the restore", restored.path(), target, input.field(), input.path());
                    if (clash.isPresent()) {
                        return clash;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> clash(String what, Path write, Path target, String field, Path input) {
        Path real = real(input);
        boolean same = target.equals(real) || sameFile(write, input);
        if (same) {
            String how = Files.isSymbolicLink(write) ? " (a symbolic link to it)"
                    : target.equals(real) && !write.toAbsolutePath().normalize().equals(real) ? " (through a link)"
                    : !target.equals(real) ? " (a hard link to it)" : "";
            return Optional.of(what + " " + write + " would be written onto the drill's input " + field + " " + input
                    + how + ": inputs are never written; choose another path");
        }
        if (target.startsWith(real) && !target.equals(real) && Files.isRegularFile(real)) {
            return Optional.of(what + " " + write + " lies inside the drill's input " + field + " " + input
                    + ": inputs are never written; choose another path");
        }
        return Optional.empty();
    }

    /** The file a write to {@code path} would change: a link's target, else the path in its real folder. */
    static Path landing(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            return real(absolute);
        }
        if (Files.isSymbolicLink(absolute)) {
            // a dangling link: an atomic write replaces the link itself, and logs refuse to follow it
            return real(absolute.getParent()).resolve(absolute.getFileName());
        }
        Path parent = absolute.getParent();
        return parent == null ? absolute : real(parent).resolve(absolute.getFileName());
    }

    /** The real path of what exists of {@code path}, with the rest appended. */
    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
