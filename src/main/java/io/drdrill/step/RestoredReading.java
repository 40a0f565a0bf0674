package io.drdrill.step;

/**
 * What {@code restore_artifact} read back of the restored copy while {@code copy_backup} wrote it, for
 * {@code validate_restored_backup}: the SHA-256 of the bytes read from the restored file itself (never from the
 * backup), and which file that was. Both steps run in one task on one machine, so this is handed over in memory;
 * the check reports the digest only while the file provably is the one that was read, and reads it again
 * otherwise.
 *
 * @param sha256   the SHA-256 of the bytes read, hex
 * @param bytes    how many bytes were read: the whole file
 * @param identity {@link FileIdentity#onThisMachine} after the copy's last write and after the read (they were
 *                 equal)
 */
public record RestoredReading(String sha256, long bytes, String identity) {
}
