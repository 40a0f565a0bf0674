package io.drdrill.restore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The read-back of a copy as it is written: its own bytes, never more than the copy wrote, and no thread left. */
@Timeout(30)
class CopyReadBackTest {

    private static final String THREAD = "dr-drill-restored-read-back";

    @TempDir
    Path dir;

    @Test
    void aFileWrittenInStepsIsReadBackWholeToItsDigest() throws Exception {
        // Given a restored file of 3 MiB, and a read-back told of it in two steps
        byte[] bytes = random(3 << 20);
        Path file = Files.write(dir.resolve("restored"), bytes);
        CopyReadBack readBack = CopyReadBack.start(file);
        readBack.written(1 << 20);
        readBack.written(bytes.length);

        // When the copy says it is complete
        CopyReadBack.Hashed hashed = readBack.finish().orElseThrow();
        readBack.close();

        // Then every byte was read, to the file's digest, and the thread has ended
        assertThat(hashed.bytes()).isEqualTo(bytes.length);
        assertThat(hashed.sha256()).isEqualTo(sha256(bytes));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(THREAD));
    }

    @Test
    void bytesBeyondWhatTheCopyWroteAreNeverRead() throws Exception {
        // Given a file of 2 MiB of which the copy says it wrote only the first MiB (the rest came from elsewhere)
        byte[] bytes = random(2 << 20);
        Path file = Files.write(dir.resolve("restored"), bytes);
        CopyReadBack readBack = CopyReadBack.start(file);
        readBack.written(1 << 20);

        // When the copy is complete
        CopyReadBack.Hashed hashed = readBack.finish().orElseThrow();
        readBack.close();

        // Then only that MiB was read: the count tells the caller that the file holds more
        assertThat(hashed.bytes()).isEqualTo(1 << 20);
        assertThat(hashed.sha256()).isEqualTo(sha256(Arrays.copyOf(bytes, 1 << 20)));
    }

    @Test
    void aReadBackClosedBeforeTheCopyEndedLeavesNoThread() throws Exception {
        // Given a read-back waiting for a copy that fails before writing anything
        Path file = Files.write(dir.resolve("restored"), new byte[0]);
        CopyReadBack readBack = CopyReadBack.start(file);

        // When it is closed
        readBack.close();

        // Then its thread has ended, and closing again is harmless
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(THREAD));
        readBack.close();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
