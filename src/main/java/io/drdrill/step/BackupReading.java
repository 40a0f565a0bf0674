package io.drdrill.step;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code verify_backup_digest}'s one read of the backup found, for {@code verify_backup_payload}: the digest,
 * the payload check's outcome from the same bytes, and which file on which machine was read. The steps are
 * separate jobs, so this travels between them as a process variable; the payload step reports the outcome only
 * while the file is provably the one that was read, and reads it again where that cannot be told.
 *
 * @param sha256   the SHA-256 of the bytes read, hex
 * @param bytes    how many bytes were read
 * @param identity {@link FileIdentity#of} before and after the read (they were equal)
 * @param machine  {@link FileIdentity#machine()} of the reader: the identity means something only there
 * @param host     {@link FileIdentity#host()} of the reader, for people
 * @param format   the {@code backup.format} the payload was checked as
 * @param notes    the payload check's note, or its failure message when {@code passed} is false
 * @param facts    the payload check's facts (also those of a failure)
 * @param passed   whether the payload check passed
 */
public record BackupReading(String sha256, long bytes, String identity, String machine, String host, String format,
                            String notes, Map<String, Object> facts, boolean passed) {

    public BackupReading {
        facts = facts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }
}
