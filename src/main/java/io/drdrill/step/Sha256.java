package io.drdrill.step;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Streaming SHA-256: memory stays constant whatever the file size. */
public final class Sha256 {

    private static final int BUFFER = 1 << 16;

    private Sha256() {
    }

    public static String of(Path file) throws IOException {
        return of(file, Progress.NONE);
    }

    /** Hashes {@code file}, telling {@code progress} how many bytes are done as it reads. */
    public static String of(Path file, Progress progress) throws IOException {
        MessageDigest digest = newDigest();
        long total = Files.size(file);
        String what = "hashing " + file.getFileName();
        long done = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                done += n;
                progress.bytes(what, done, total);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
