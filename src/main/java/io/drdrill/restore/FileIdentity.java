package io.drdrill.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which file, as the file system knows it: its key (device and inode where the platform has them), size and
 * modification time. The restore records it; the restored-digest check compares it, so a copy that another drill
 * of the same manifest put there in between is noticed.
 */
public final class FileIdentity {

    private FileIdentity() {
    }

    public static String of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.fileKey() + ";" + attributes.size() + ";" + attributes.lastModifiedTime().toMillis();
    }
}
