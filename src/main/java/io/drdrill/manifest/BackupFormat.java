package io.drdrill.manifest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How {@code verify_backup_payload} reads the backup. */
public enum BackupFormat {
    /** A JSON object whose {@code services} are all ready. */
    JSON("json"),
    /** A tar archive whose every entry is readable. */
    TAR("tar"),
    /** A gzip-compressed tar archive: gzip CRCs and tar headers intact, every entry readable. */
    TAR_GZ("tar.gz"),
    /** Opaque bytes: the digest is the whole check. */
    RAW("raw");

    private final String id;

    BackupFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<BackupFormat> byId(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
    }

    /** The format a file name implies: {@code .json}, {@code .tar}, {@code .tar.gz} or {@code .tgz}. */
    public static Optional<BackupFormat> byFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
            return Optional.of(JSON);
        }
        if (lower.endsWith(".tar")) {
            return Optional.of(TAR);
        }
        if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
            return Optional.of(TAR_GZ);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
