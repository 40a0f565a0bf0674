package io.drdrill.evidenceweb;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A drill's evidence folder, {@code <evidence-dir>/<runId>/}, read without following any link below the
 * evidence folder: each step (run folder, {@code restore/}, file) is opened relative to its already-open parent
 * with {@code O_NOFOLLOW} ({@link SecureDirectoryStream}), so a symbolic link, even one pointing inside, is never
 * followed, and a folder swapped for a link between a check and the read cannot lead elsewhere. Only regular files
 * with evidence file names are listed or read: no links, no devices, no pipes.
 */
final class EvidenceFolder {

    private final Path root;

    /** @param root {@code drdrill.evidence-dir} (it may itself be a link: that is the administrator's choice) */
    EvidenceFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** One evidence file: {@code name} is relative to the run folder, e.g. {@code restore/recall-stdout.log}. */
    record Listed(String name, long size) {
    }

    /** An open evidence file and its size when it was opened. */
    record Opened(SeekableByteChannel channel, long size) implements Closeable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The run folder's regular files, then those of its {@code restore/}; empty when there is no such folder. */
    Optional<List<Listed>> list(String runId) throws IOException {
        try (SecureDirectoryStream<Path> top = openRoot();
             SecureDirectoryStream<Path> run = top == null ? null : subfolder(top, runId)) {
            if (run == null) {
                return Optional.empty();
            }
            List<Listed> files = regularFiles(run, "");
            try (SecureDirectoryStream<Path> restore = subfolder(run, EvidenceRoute.RESTORE)) {
                if (restore != null) {
                    files.addAll(regularFiles(restore, EvidenceRoute.RESTORE + "/"));
                }
            }
            return Optional.of(files);
        }
    }

    /**
     * Opens one file for reading; empty unless every step is a real folder and the file a regular file.
     *
     * @param folder "" or {@link EvidenceRoute#RESTORE}
     */
    Optional<Opened> open(String runId, String folder, String name) throws IOException {
        try (SecureDirectoryStream<Path> top = openRoot();
             SecureDirectoryStream<Path> run = top == null ? null : subfolder(top, runId);
             SecureDirectoryStream<Path> sub = run == null || folder.isEmpty() ? null : subfolder(run, folder)) {
            SecureDirectoryStream<Path> in = folder.isEmpty() ? run : sub;
            if (in == null) {
                return Optional.empty();
            }
            BasicFileAttributes attributes = attributes(in, name);
            if (attributes == null || !attributes.isRegularFile()) {
                return Optional.empty();
            }
            SeekableByteChannel channel;
            try {
                channel = in.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            } catch (FileSystemException replacedOrUnreadable) {
                return Optional.empty();
            }
            return Optional.of(new Opened(channel, channel.size()));
        }
    }

    private SecureDirectoryStream<Path> openRoot() throws IOException {
        DirectoryStream<Path> stream;
        try {
            stream = Files.newDirectoryStream(root);
        } catch (NoSuchFileException | NotDirectoryException noEvidenceYet) {
            return null;
        }
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw new IOException("this platform cannot open files relative to a folder without following links: "
                + "evidence is not served");
    }

    /** The real sub-folder {@code name} of {@code parent}, opened without following a link; null otherwise. */
    private static SecureDirectoryStream<Path> subfolder(SecureDirectoryStream<Path> parent, String name)
            throws IOException {
        BasicFileAttributes attributes = attributes(parent, name);
        if (attributes == null || !attributes.isDirectory()) {
            return null;
        }
        try {
            return parent.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException replacedOrUnreadable) {
            return null;
        }
    }

    /** The entry's own attributes (a link is a link, not what it points to); null when it does not exist. */
    private static BasicFileAttributes attributes(SecureDirectoryStream<Path> folder, String name) throws IOException {
        try {
            return folder.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    private static List<Listed> regularFiles(SecureDirectoryStream<Path> folder, String prefix) throws IOException {
        List<Listed> files = new ArrayList<>();
        for (Path entry : folder) {
            String name = entry.getFileName().toString();
            if (!EvidenceRoute.isFileName(name)) {
                continue;
            }
            BasicFileAttributes attributes = attributes(folder, name);
            if (attributes != null && attributes.isRegularFile()) {
                files.add(new Listed(prefix + name, attributes.size()));
            }
        }
        files.sort(Comparator.comparing(Listed::name));
        return files;
    }
}
