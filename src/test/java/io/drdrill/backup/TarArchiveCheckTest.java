package io.drdrill.backup;

import io.drdrill.backup.Archives.Entry;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.BackupFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static io.drdrill.backup.Archives.run;
import static io.drdrill.backup.Archives.sh;
import static io.drdrill.backup.Archives.writeFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class TarArchiveCheckTest {

    @TempDir
    Path tempDir;

    private final TarArchiveCheck check = new TarArchiveCheck();

    /** A folder "content" with 2 directories (plus "." when archived as "."), 4 files, a symlink and a hard link. */
    private Path content() throws IOException {
        Path content = tempDir.resolve("content");
        writeFile(content.resolve("db/dump.sql"), Archives.text(5000));
        writeFile(content.resolve("db/schema.sql"), "create table t (id int);\n");
        writeFile(content.resolve("config/app.yaml"), "name: app\n");
        writeFile(content.resolve("README"), "restore me\n");
        Files.createSymbolicLink(content.resolve("config/current.yaml"), Path.of("app.yaml"));
        Files.createLink(content.resolve("README.copy"), content.resolve("README"));
        return content;
    }

    private StepResult verify(Path archive) {
        return check.verify(archive, BackupFormat.byFileName(archive.getFileName().toString()).orElseThrow());
    }

    private static Path resource(String name) {
        try {
            return Path.of(TarArchiveCheckTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    class ValidArchives {

        @Test
        void tarPassesCountingEveryKindOfEntry() throws IOException {
            // Given a plain tar, written by GNU tar in a fixed order, of 3 directories, 4 files, 1 symlink, 1 hard link
            content();
            run(tempDir, "tar", "-cf", "backup.tar", "--sort=name", "-C", "content", ".");

            // When it is verified
            StepResult outcome = verify(tempDir.resolve("backup.tar"));

            // Then the facts count each kind; the hard link's data is its target's, so it adds no bytes
            assertThat(outcome.facts()).contains(
                    entry("backup_format", "tar"),
                    entry("archive_entries", 9L),
                    entry("archive_files", 4L),
                    entry("archive_directories", 3L),
                    entry("archive_symlinks", 1L),
                    entry("archive_hardlinks", 1L),
                    entry("archive_other_entries", 0L),
                    entry("archive_bytes", 5000L + 25 + 10 + 11));
            assertThat(outcome.facts()).doesNotContainKeys("gzip_members", "gzip_trailing_zero_bytes");
            assertThat(outcome.facts().get("archive_sample_entries")).asList()
                    .startsWith("./", "./README", "./README.copy", "./config/");
            assertThat(outcome.notes()).isEqualTo("tar: 9 entries (4 files, 3 directories, 1 symlink, 1 hard link), "
                    + "4.9 KiB of content, tar headers intact");
            assertThat(Archives.tarListCount(tempDir.resolve("backup.tar"), false)).isEqualTo(9);
        }

        @Test
        void tarGzPassesWithGzipFacts() throws IOException {
            // Given a tar.gz written by GNU tar
            content();
            run(tempDir, "tar", "-czf", "backup.tar.gz", "-C", "content", "db", "config/app.yaml");

            // When it is verified
            StepResult outcome = verify(tempDir.resolve("backup.tar.gz"));

            // Then it passes: one gzip member, entries counted as tar lists them
            assertThat(outcome.facts()).contains(
                    entry("backup_format", "tar.gz"),
                    entry("archive_entries", 4L),
                    entry("archive_files", 3L),
                    entry("archive_directories", 1L),
                    entry("archive_bytes", 5000L + 25 + 10),
                    entry("gzip_members", 1),
                    entry("gzip_trailing_zero_bytes", 0L));
            assertThat(outcome.notes()).isEqualTo(
                    "tar.gz: 4 entries (3 files, 1 directory), 4.9 KiB of content, gzip CRC and tar headers intact");
            assertThat(Archives.tarListCount(tempDir.resolve("backup.tar.gz"), true)).isEqualTo(4);
        }

        @Test
        void tgzWrittenThroughAPipeToGzipPasses() throws IOException {
            // Given a .tgz made by piping tar into gzip -9
            content();
            sh(tempDir, "tar -cf - -C content . | gzip -9 > backup.tgz");

            // When it is verified (.tgz implies tar.gz)
            StepResult outcome = verify(tempDir.resolve("backup.tgz"));

            // Then it passes with the same counts tar lists
            assertThat(outcome.facts()).containsEntry("backup_format", "tar.gz")
                    .containsEntry("archive_entries", Archives.tarListCount(tempDir.resolve("backup.tgz"), true));
        }

        @ParameterizedTest
        @CsvSource({
                "real-world/slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz, 222",
                "real-world/spdx/example12/hello-0.0.1.tar.gz, 17",
                "real-world/spdx/example10/hello-0.0.1.tar.gz, 7",
        })
        void realWorldArchivesPassWithTheCountTarLists(String name, long expected) {
            // Given a release tarball published by another project
            Path archive = resource(name);

            // When it is verified
            StepResult outcome = check.verify(archive, BackupFormat.TAR_GZ);

            // Then it passes, counting exactly the entries GNU tar lists (a pax_global_header is not an entry)
            long listed = Archives.tarListCount(archive, true);
            assertThat(listed).isEqualTo(expected);
            assertThat(outcome.facts()).containsEntry("archive_entries", listed).containsEntry("gzip_members", 1);
            long files = (Long) outcome.facts().get("archive_files");
            long directories = (Long) outcome.facts().get("archive_directories");
            long symlinks = (Long) outcome.facts().get("archive_symlinks");
            assertThat(files + directories + symlinks).isEqualTo(listed);
            assertThat((Long) outcome.facts().get("archive_bytes")).isPositive();
            assertThat(outcome.notes()).startsWith("tar.gz: " + listed + " entries").endsWith("tar headers intact");
        }

        @Test
        void rulesLintTarballHasAnInsideSymlink() {
            // Given the rules_lint release, whose example/.bazelversion -> ../.bazelversion stays inside
            Path archive = resource("real-world/slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz");

            // When / Then it passes with that symlink counted
            assertThat(check.verify(archive, BackupFormat.TAR_GZ).facts())
                    .containsEntry("archive_symlinks", 1L)
                    .containsEntry("archive_directories", 25L);
        }

        @Test
        void concatenatedGzipMembersAreAllReadAndChecked() throws IOException {
            // Given a tar split in two and each half gzip-compressed separately, then concatenated
            content();
            run(tempDir, "tar", "-cf", "whole.tar", "-C", "content", ".");
            sh(tempDir, "head -c 3000 whole.tar | gzip > backup.tar.gz"
                    + " && tail -c +3001 whole.tar | gzip >> backup.tar.gz");

            // When it is verified
            StepResult outcome = verify(tempDir.resolve("backup.tar.gz"));

            // Then both members were read: the entries are all there
            assertThat(outcome.facts()).containsEntry("gzip_members", 2)
                    .containsEntry("archive_entries", Archives.tarListCount(tempDir.resolve("whole.tar"), false));
            assertThat(outcome.notes()).contains("gzip CRCs of 2 members and tar headers intact");
        }

        @Test
        void zeroPaddingAfterTheGzipStreamIsAcceptedAndReported() throws IOException {
            // Given a tar.gz followed by 100 zero bytes, which gzip -t accepts silently
            content();
            run(tempDir, "tar", "-czf", "backup.tar.gz", "-C", "content", ".");
            Archives.append(tempDir.resolve("backup.tar.gz"), new byte[100]);
            run(tempDir, "gzip", "-t", "backup.tar.gz");

            // When it is verified
            StepResult outcome = verify(tempDir.resolve("backup.tar.gz"));

            // Then it passes and the padding is reported
            assertThat(outcome.facts()).containsEntry("gzip_trailing_zero_bytes", 100L);
            assertThat(outcome.notes()).endsWith("(100 zero bytes of padding after the gzip stream ignored)");
        }

        @Test
        void longNamesAndSparseFilesCountOnce() throws IOException {
            // Given an archive with a 230-character path and a sparse 31 MB file, written by GNU tar -S
            String longName = "d".repeat(70) + "/" + "e".repeat(70) + "/" + "f".repeat(88);
            writeFile(tempDir.resolve("src").resolve(longName), "deep\n");
            try (var file = new java.io.RandomAccessFile(tempDir.resolve("src/sparse.bin").toFile(), "rw")) {
                for (int i = 0; i < 30; i++) {
                    file.seek(i * 1_000_000L);
                    file.write(Archives.text(100));
                }
                file.setLength(31_000_000L);
            }
            for (String format : List.of("gnu", "posix")) {
                run(tempDir, "tar", "-S", "--format=" + format, "-cf", format + ".tar", "-C", "src", ".");

                // When it is verified
                StepResult outcome = verify(tempDir.resolve(format + ".tar"));

                // Then long-name and sparse headers are not entries of their own; the sparse file counts its real size
                assertThat(outcome.facts()).as(format)
                        .containsEntry("archive_entries",
                                Archives.tarListCount(tempDir.resolve(format + ".tar"), false))
                        .containsEntry("archive_files", 2L)
                        .containsEntry("archive_bytes", 31_000_000L + 5);
            }
        }

        @Test
        void largeArchiveOfZerosPassesStreaming() throws IOException {
            // Given a tar.gz holding a 300 MiB file of zeros (sparse on disk, so the test does not fill it)
            Path src = Files.createDirectories(tempDir.resolve("src"));
            run(src, "truncate", "-s", "300M", "zeros.bin");
            run(tempDir, "tar", "-czf", "large.tar.gz", "-C", "src", "zeros.bin");
            Files.delete(src.resolve("zeros.bin"));

            // When it is verified
            StepResult outcome = verify(tempDir.resolve("large.tar.gz"));

            // Then every byte was read through the fixed buffer and counted
            assertThat(outcome.facts()).containsEntry("archive_entries", 1L)
                    .containsEntry("archive_bytes", 300L * 1024 * 1024);
            assertThat(outcome.notes()).contains("300.0 MiB of content");
        }
    }

    @Nested
    class DamagedGzip {

        @Test
        void flippedByteInTheMiddleFails() throws IOException {
            // Given a tar.gz of incompressible data with one byte flipped in the middle
            byte[] random = new byte[200_000];
            new Random(42).nextBytes(random);
            writeFile(tempDir.resolve("src/random.bin"), random);
            run(tempDir, "tar", "-czf", "backup.tar.gz", "-C", "src", ".");
            Path archive = tempDir.resolve("backup.tar.gz");
            Archives.flip(archive, (int) Files.size(archive) / 2, 0xff);

            // When / Then verification fails on the gzip layer
            assertThatThrownBy(() -> verify(tempDir.resolve("backup.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .message().matches("backup backup\\.tar\\.gz: (gzip (CRC mismatch|data is corrupt)"
                            + "|truncated or corrupt: the gzip stream ends inside a member).*");
        }

        @Test
        void flippedByteInCompressedTextFails() throws IOException {
            // Given a tar.gz of compressible text with one byte flipped in the middle of the deflate stream
            writeFile(tempDir.resolve("src/dump.sql"), Archives.text(300_000));
            run(tempDir, "tar", "-czf", "backup.tar.gz", "-C", "src", ".");
            Path archive = tempDir.resolve("backup.tar.gz");
            Archives.flip(archive, (int) Files.size(archive) / 2, 0x10);

            // When / Then verification fails on the gzip layer (an invalid deflate stream or a CRC mismatch), even
            // when the wrongly inflated content already broke the tar structure
            assertThatThrownBy(() -> verify(tempDir.resolve("backup.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .message().matches("backup backup\\.tar\\.gz: (gzip (CRC mismatch|data is corrupt)"
                            + "|truncated or corrupt: the gzip stream ends inside a member).*");
        }

        @Test
        void wrongCrcInTheTrailerFails() throws IOException {
            // Given a tar.gz whose trailer CRC-32 (8 bytes from the end) is changed
            content();
            run(tempDir, "tar", "-czf", "rules.tar.gz", "-C", "content", ".");
            Path archive = tempDir.resolve("rules.tar.gz");
            Archives.flip(archive, (int) Files.size(archive) - 8, 0x01);

            // When / Then verification fails naming the CRC
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup rules.tar.gz: gzip CRC mismatch (corrupt data)");
        }

        @Test
        void wrongSizeInTheTrailerFails() throws IOException {
            // Given a tar.gz whose trailer ISIZE (last 4 bytes) is changed
            content();
            run(tempDir, "tar", "-czf", "backup.tar.gz", "-C", "content", ".");
            Path archive = tempDir.resolve("backup.tar.gz");
            Archives.flip(archive, (int) Files.size(archive) - 1, 0x01);

            // When / Then verification fails naming the size
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("backup backup.tar.gz: gzip size mismatch");
        }

        @Test
        void truncatedTarGzFails() throws IOException {
            // Given a tar.gz cut in half
            content();
            run(tempDir, "tar", "-czf", "whole.tar.gz", "-C", "content", ".");
            Path whole = tempDir.resolve("whole.tar.gz");
            Path cut = Archives.truncateCopy(whole, tempDir.resolve("cut.tar.gz"), (int) Files.size(whole) / 2);

            // When / Then verification fails: the gzip stream ends early
            assertThatThrownBy(() -> verify(cut))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith(
                            "backup cut.tar.gz: truncated or corrupt: the gzip stream ends inside a member");
        }

        @Test
        void tarGzMissingOnlyItsTrailerFails() throws IOException {
            // Given a tar.gz without its last 8 bytes (CRC and size): all tar data is there
            content();
            run(tempDir, "tar", "-czf", "whole.tar.gz", "-C", "content", ".");
            Path whole = tempDir.resolve("whole.tar.gz");
            Path cut = Archives.truncateCopy(whole, tempDir.resolve("cut.tar.gz"), (int) Files.size(whole) - 8);

            // When / Then verification still fails: the trailer is checked, not only the tar content
            assertThatThrownBy(() -> verify(cut))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("truncated or corrupt: the gzip stream ends inside a member");
        }

        @Test
        void trailingGarbageAfterTheGzipStreamFails() throws IOException {
            // Given a valid tar.gz followed by bytes that are not another gzip member
            content();
            run(tempDir, "tar", "-czf", "backup.tar.gz", "-C", "content", ".");
            Archives.append(tempDir.resolve("backup.tar.gz"), "garbage!".getBytes(StandardCharsets.US_ASCII));

            // When / Then verification fails (gzip -t only warns "trailing garbage ignored")
            assertThatThrownBy(() -> verify(tempDir.resolve("backup.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar.gz: unexpected data after the end of the gzip stream "
                            + "(trailing garbage after 1 valid gzip member)");
        }

        @Test
        void zeroPaddingFollowedByGarbageFails() throws IOException {
            // Given a valid tar.gz followed by zero bytes and then something else
            content();
            run(tempDir, "tar", "-czf", "backup.tar.gz", "-C", "content", ".");
            Archives.append(tempDir.resolve("backup.tar.gz"), new byte[64]);
            Archives.append(tempDir.resolve("backup.tar.gz"), new byte[]{7});

            // When / Then verification fails after the padding
            assertThatThrownBy(() -> verify(tempDir.resolve("backup.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("unexpected data after the end of the gzip stream (non-zero bytes after 64 "
                            + "zero bytes of padding)");
        }

        @Test
        void twoTarGzArchivesConcatenatedFail() throws IOException {
            // Given two tar.gz files concatenated: valid gzip, but the second archive follows the first's end marker
            content();
            run(tempDir, "tar", "-czf", "one.tar.gz", "-C", "content", "db");
            run(tempDir, "tar", "-czf", "two.tar.gz", "-C", "content", "config");
            sh(tempDir, "cat one.tar.gz two.tar.gz > both.tar.gz");

            // When / Then verification fails: tar would silently ignore the second archive
            assertThatThrownBy(() -> verify(tempDir.resolve("both.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("unexpected data after the end-of-archive marker")
                    .hasMessageContaining("another archive appended?");
        }
    }

    @Nested
    class WrongFormat {

        @Test
        void plainTarLabelledTarGzFails() throws IOException {
            // Given a plain tar named .tar.gz
            content();
            run(tempDir, "tar", "-cf", "backup.tar.gz", "-C", "content", ".");

            // When / Then verification fails saying it is not compressed, and what it is
            assertThatThrownBy(() -> check.verify(tempDir.resolve("backup.tar.gz"), BackupFormat.TAR_GZ))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar.gz: not gzip-compressed: it is a plain tar archive "
                            + "(set backup.format to \"tar\")");
        }

        @Test
        void textLabelledTarGzFails() {
            // Given a text file named .tar.gz
            Path file = writeFile(tempDir.resolve("notes.tar.gz"), "just some notes\n");

            // When / Then verification fails
            assertThatThrownBy(() -> verify(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup notes.tar.gz: not gzip-compressed: it does not start with the gzip magic "
                            + "bytes 1f 8b");
        }

        @Test
        void xzArchiveLabelledTarGzFails() {
            // Given xz data (by its magic bytes) named .tar.gz
            Path file = writeFile(tempDir.resolve("backup.tar.gz"),
                    new byte[]{(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3});

            // When / Then verification fails naming the compression
            assertThatThrownBy(() -> verify(file))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar.gz: not gzip-compressed: it is xz-compressed; only tar and tar.gz "
                            + "archives are supported");
        }

        @Test
        void tarGzLabelledTarFails() throws IOException {
            // Given a tar.gz declared as a plain tar
            content();
            run(tempDir, "tar", "-czf", "backup.tar", "-C", "content", ".");

            // When / Then verification fails pointing at the right format
            assertThatThrownBy(() -> check.verify(tempDir.resolve("backup.tar"), BackupFormat.TAR))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar: not a plain tar archive: it is gzip-compressed "
                            + "(set backup.format to \"tar.gz\")");
        }

        @Test
        void gzipOfTextThatIsNotTarFails() throws IOException {
            // Given gzip-compressed text, short and long (more than one tar record)
            writeFile(tempDir.resolve("short.txt"), "hello, this is not a tar archive\n");
            writeFile(tempDir.resolve("long.txt"), Archives.text(5000));
            sh(tempDir, "gzip -c short.txt > short.tar.gz && gzip -c long.txt > long.tar.gz");

            // When / Then both fail: the gzip layer is fine, its content is not a tar archive
            assertThatThrownBy(() -> verify(tempDir.resolve("short.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup short.tar.gz: not a tar archive: only 33 bytes of content, a tar header "
                            + "alone needs 512");
            assertThatThrownBy(() -> verify(tempDir.resolve("long.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup long.tar.gz: not a tar archive: the first 512-byte record is not a tar header "
                            + "(checksum mismatch)");
        }

        @Test
        void gzipOfNothingFails() throws IOException {
            // Given gzip-compressed empty input
            sh(tempDir, "printf '' | gzip > empty.tar.gz");

            // When / Then verification fails
            assertThatThrownBy(() -> verify(tempDir.resolve("empty.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup empty.tar.gz: not a tar archive: the gzip stream decompresses to nothing");
        }

        @Test
        void emptyFileFails() throws IOException {
            // Given empty files
            Path tar = Files.createFile(tempDir.resolve("empty.tar"));
            Path tarGz = Files.createFile(tempDir.resolve("empty.tar.gz"));

            // When / Then both fail saying they are empty
            assertThatThrownBy(() -> verify(tar))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup empty.tar is empty (0 bytes), not a tar archive");
            assertThatThrownBy(() -> verify(tarGz))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup empty.tar.gz is empty (0 bytes), not a gzip-compressed tar archive");
        }

        @Test
        void missingFileFails() {
            // Given no file
            Path missing = tempDir.resolve("missing.tar");

            // When / Then verification fails
            assertThatThrownBy(() -> verify(missing))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("does not exist");
        }
    }

    @Nested
    class DamagedTar {

        /** one.txt (100 bytes: header at 0, data at 512) then two.txt (4096 bytes: header at 1024, data at 1536). */
        private Path twoFiles() {
            writeFile(tempDir.resolve("src/one.txt"), Archives.text(100));
            writeFile(tempDir.resolve("src/two.txt"), Archives.text(4096));
            run(tempDir, "tar", "--format=ustar", "-cf", "backup.tar", "-C", "src", "one.txt", "two.txt");
            return tempDir.resolve("backup.tar");
        }

        @Test
        void truncatedEntryDataFails() {
            // Given a tar whose only entry, a/b.txt, declares 4096 bytes but only 1000 follow its header
            writeFile(tempDir.resolve("src/a/b.txt"), Archives.text(4096));
            run(tempDir, "tar", "--format=ustar", "-cf", "whole.tar", "-C", "src", "a/b.txt");
            Path cut = Archives.truncateCopy(tempDir.resolve("whole.tar"), tempDir.resolve("x.tar"), 512 + 1000);

            // When / Then verification fails naming the entry and both sizes
            assertThatThrownBy(() -> verify(cut))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage(
                            "backup x.tar: truncated: entry 'a/b.txt' declares 4096 bytes, archive ends after 1000");
        }

        @Test
        void truncatedInsideAHeaderFails() {
            // Given a tar cut 100 bytes into the second header
            Path cut = Archives.truncateCopy(twoFiles(), tempDir.resolve("cut.tar"), 1024 + 100);

            // When / Then verification fails (commons-compress alone would end the archive there silently)
            assertThatThrownBy(() -> verify(cut))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup cut.tar: truncated: the archive ends inside the tar header at byte 1024, "
                            + "only 100 of its 512 bytes are there (after entry 'one.txt')");
        }

        @Test
        void missingEndOfArchiveMarkerFails() {
            // Given a tar cut right after the last entry's data, before the two zero records
            Path cut = Archives.truncateCopy(twoFiles(), tempDir.resolve("cut.tar"), 1536 + 4096);

            // When / Then verification fails (GNU tar and commons-compress both accept it silently)
            assertThatThrownBy(() -> verify(cut))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup cut.tar: truncated: the archive ends at byte 5632 after entry 'two.txt' "
                            + "without the end-of-archive marker (two zero records)");
        }

        @Test
        void halfAnEndOfArchiveMarkerFails() {
            // Given a tar cut after the first of the two zero records
            Path cut = Archives.truncateCopy(twoFiles(), tempDir.resolve("cut.tar"), 1536 + 4096 + 512);

            // When / Then verification fails
            assertThatThrownBy(() -> verify(cut))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup cut.tar: truncated: the end-of-archive marker at byte 5632 is incomplete "
                            + "(one zero record, the archive ends before the second)");
        }

        @Test
        void corruptedHeaderChecksumFails() {
            // Given a tar whose second header has one byte of its name changed, checksum field untouched
            Path archive = twoFiles();
            Archives.flip(archive, 1024 + 1, 0x20);

            // When / Then verification fails on that header's checksum
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar: corrupt tar header at byte 1024: checksum mismatch "
                            + "(after entry 'one.txt')");
        }

        @Test
        void headerWithAValidChecksumButAnInvalidSizeFails() {
            // Given a tar whose second header's size field is not octal, with the checksum recomputed to match
            Path archive = twoFiles();
            Archives.rewriteHeaderField(archive, 1024, 124, "0000000x010");

            // When / Then verification fails on that header
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("backup backup.tar: invalid tar header at byte 1024: ")
                    .hasMessageEndingWith("(after entry 'one.txt')");
        }

        @Test
        void headerChecksumRecomputedAfterAChangeIsAccepted() {
            // Given a tar whose second entry was renamed with a matching checksum (a valid, different archive)
            Path archive = twoFiles();
            Archives.rewriteHeaderField(archive, 1024, 0, "TWO");

            // When / Then it passes: the checksum guards against damage, not against deliberate edits
            assertThat(verify(archive).facts().get("archive_sample_entries")).asList()
                    .containsExactly("one.txt", "TWO.txt");
        }

        @Test
        void corruptedFirstHeaderFails() {
            // Given a tar whose first header's size field is changed
            Path archive = twoFiles();
            Archives.flip(archive, 124 + 5, 0x01);

            // When / Then verification fails: the file does not start with a valid header
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar: not a tar archive: the first 512-byte record is not a tar header "
                            + "(checksum mismatch)");
        }

        @Test
        void loneZeroRecordBeforeMoreEntriesFails() throws IOException {
            // Given a tar with a zero record inserted before the second header (GNU tar stops there with exit 0)
            byte[] bytes = Files.readAllBytes(twoFiles());
            byte[] withZero = new byte[bytes.length + 512];
            System.arraycopy(bytes, 0, withZero, 0, 1024);
            System.arraycopy(bytes, 1024, withZero, 1024 + 512, bytes.length - 1024);
            Path archive = Files.write(tempDir.resolve("lone.tar"), withZero);

            // When / Then verification fails instead of silently dropping two.txt
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup lone.tar: a lone zero record at byte 1024 is followed by more headers: tar "
                            + "stops reading there and silently skips the rest (after entry 'one.txt')");
        }

        @Test
        void dataAfterTheEndMarkerFails() throws IOException {
            // Given a tar followed by another tar
            Path first = twoFiles();
            writeFile(tempDir.resolve("src/three.txt"), "three\n");
            run(tempDir, "tar", "-cf", "second.tar", "-C", "src", "three.txt");
            sh(tempDir, "cat backup.tar second.tar > both.tar");
            assertThat(first).exists();

            // When / Then verification fails naming where the unexpected data starts
            assertThatThrownBy(() -> verify(tempDir.resolve("both.tar")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("backup both.tar: unexpected data after the end-of-archive marker (at byte "
                            + Files.size(first) + " of the tar stream)");
        }

        @Test
        void emptyArchiveFails() {
            // Given tar archives of nothing: only the end-of-archive marker and padding
            run(tempDir, "tar", "-cf", "empty.tar", "-T", "/dev/null");
            run(tempDir, "tar", "-czf", "empty.tar.gz", "-T", "/dev/null");

            // When / Then both fail
            assertThatThrownBy(() -> verify(tempDir.resolve("empty.tar")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup empty.tar: archive has no entries");
            assertThatThrownBy(() -> verify(tempDir.resolve("empty.tar.gz")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup empty.tar.gz: archive has no entries");
        }

        @Test
        void hugeMetadataHeaderIsRefused() throws IOException {
            // Given an entry with a 2 MiB PAX header record, which commons-compress would hold in memory
            Path archive = tempDir.resolve("big-name.tar");
            try (OutputStream out = Files.newOutputStream(archive);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                TarArchiveEntry entry = new TarArchiveEntry("file.txt");
                entry.addPaxHeader("comment", "n".repeat(2 * 1024 * 1024));
                entry.setSize(1);
                tar.putArchiveEntry(entry);
                tar.write('x');
                tar.closeArchiveEntry();
                tar.finish();
            }

            // When / Then verification refuses it
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("backup big-name.tar: tar metadata header at byte 0 (type 'x') declares")
                    .hasMessageEndingWith("more than the 1048576 this check will hold in memory");
        }
    }

    @Nested
    class UnsafeEntries {

        @Test
        void dotDotEntryFails() {
            // Given an entry named ../evil next to a safe one
            Path archive = Archives.craftedTar(tempDir.resolve("backup.tar"),
                    List.of(Entry.file("ok.txt", "fine"), Entry.file("../evil", "pwned")));

            // When / Then verification fails naming it
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar: 1 unsafe entry, a restore that extracts it would write outside "
                            + "the restore folder: '../evil' has a '..' path segment");
        }

        @Test
        void dotDotAndAbsoluteNamesWrittenByGnuTarFail() throws IOException {
            // Given GNU tar told to keep ../ and / (-P) for a file outside the archived folder
            writeFile(tempDir.resolve("evil.txt"), "evil\n");
            writeFile(tempDir.resolve("work/ok.txt"), "ok\n");
            Path absolute = tempDir.resolve("evil.txt").toAbsolutePath();
            Path copy = Files.copy(absolute, tempDir.resolve("absolute.txt"));
            run(tempDir.resolve("work"), "tar", "-cPf", "../backup.tar", "ok.txt", "../evil.txt", copy.toString());

            // When / Then verification fails listing both
            assertThatThrownBy(() -> verify(tempDir.resolve("backup.tar")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar: 2 unsafe entries, a restore that extracts them would write "
                            + "outside the restore folder: '../evil.txt' has a '..' path segment; '"
                            + EntryPaths.shown(copy.toString()) + "' is an absolute path");
        }

        @Test
        void absoluteEntryFails() {
            // Given an entry with an absolute name
            Path archive = Archives.craftedTar(tempDir.resolve("backup.tar"),
                    List.of(Entry.directory("etc/"), Entry.file("/etc/cron.d/evil", "* * * * * root sh")));

            // When / Then verification fails
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageEndingWith("'/etc/cron.d/evil' is an absolute path");
        }

        @Test
        void symlinkPointingOutsideFails() throws IOException {
            // Given GNU tar archiving symlinks that climb out of the archive or are absolute, and one that stays inside
            Path src = Files.createDirectories(tempDir.resolve("src/app/conf"));
            writeFile(src.resolve("real.conf"), "x\n");
            Files.createSymbolicLink(src.resolve("inside"), Path.of("../conf/real.conf"));
            Files.createSymbolicLink(src.resolve("passwd"), Path.of("../../../etc/passwd"));
            Files.createSymbolicLink(src.resolve("shadow"), Path.of("/etc/shadow"));
            run(tempDir, "tar", "-cf", "backup.tar", "--sort=name", "-C", "src", "app");

            // When / Then verification fails listing the two unsafe links only
            assertThatThrownBy(() -> verify(tempDir.resolve("backup.tar")))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessage("backup backup.tar: 2 unsafe entries, a restore that extracts them would write outside "
                            + "the restore folder: 'app/conf/passwd' -> '../../../etc/passwd' is a symlink pointing "
                            + "outside the archive; 'app/conf/shadow' -> '/etc/shadow' is a symlink to an "
                            + "absolute path");
        }

        @Test
        void aPax10SparseMapLargerThanTheMetadataCapIsRefused() throws IOException {
            // Given a PAX 1.0 sparse entry whose map (at the start of its data, held in memory by the tar library)
            // lists 400,000 fragments: about 1.6 MB of map
            StringBuilder map = new StringBuilder("400000\n");
            for (int i = 0; i < 400_000; i++) {
                map.append(i).append("\n1\n");
            }
            byte[] content = map.append("\n".repeat(512 - map.length() % 512)).append('x').toString()
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            String pax = paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0")
                    + paxRecord("GNU.sparse.name", "disk.img") + paxRecord("GNU.sparse.realsize", "400000");
            Path archive = Archives.craftedTar(tempDir.resolve("backup.tar"), List.of(
                    new Entry("PaxHeaders/disk.img", (byte) 'x', null,
                            pax.getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    new Entry("disk.img", (byte) '0', null, content)));

            // When / Then verification refuses it instead of building an unbounded map in memory
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("PAX 1.0 sparse map");
        }

        /** One PAX extended-header record: "LEN key=value\\n", LEN counting itself. */
        private static String paxRecord(String key, String value) {
            String body = " " + key + "=" + value + "\n";
            int length = body.length() + String.valueOf(body.length()).length();
            if (String.valueOf(length).length() > String.valueOf(body.length()).length()) {
                length++;
            }
            return length + body;
        }

        @Test
        void aChainOfSymlinksThatEachLookSafeIsRefused() {
            // Given a/b -> .. and a/b/c -> .. (each stays inside on its own), then a file written through both
            Path archive = Archives.craftedTar(tempDir.resolve("backup.tar"), List.of(
                    Entry.symlink("a/b", ".."), Entry.symlink("a/b/c", ".."), Entry.file("a/b/c/pwned", "x")));

            // When / Then verification fails: extracting it would write outside the restore folder
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageContaining("'a/b/c' -> '..' is inside the symlink 'a/b'")
                    .hasMessageContaining("'a/b/c/pwned' is inside the symlink 'a/b'");
        }

        @Test
        void hardlinkToAnEscapingTargetFails() {
            // Given a hard link whose target climbs out of the archive
            Path archive = Archives.craftedTar(tempDir.resolve("backup.tar"),
                    List.of(Entry.file("a.txt", "a"), Entry.hardlink("b.txt", "../../etc/passwd")));

            // When / Then verification fails
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageEndingWith("'b.txt' => '../../etc/passwd' is a hard link to a path with a '..' segment");
        }

        @Test
        void manyUnsafeEntriesAreSummarised() {
            // Given 12 unsafe entries
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                entries.add(Entry.file("../evil-" + i, "x"));
            }
            Path archive = Archives.craftedTar(tempDir.resolve("backup.tar"), entries);

            // When / Then the first 10 are named and the rest counted
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageStartingWith("backup backup.tar: 12 unsafe entries")
                    .hasMessageContaining("'../evil-9' has a '..' path segment; and 2 more")
                    .hasMessageNotContaining("evil-10");
        }

        @Test
        void unsafeEntryInATarGzFails() throws IOException {
            // Given a tar.gz holding a ../ entry
            Path archive = tempDir.resolve("backup.tar.gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
                Archives.writeTar(out, List.of(Entry.file("data/../../x", "x")));
            }

            // When / Then verification fails
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageEndingWith("'data/../../x' has a '..' path segment");
        }

        @Test
        void controlCharactersInNamesAreEscaped() {
            // Given an unsafe entry whose name holds a newline
            Path archive = Archives.craftedTar(tempDir.resolve("backup.tar"),
                    List.of(Entry.file("../a\nb", "x")));

            // When / Then the message stays on one line
            assertThatThrownBy(() -> verify(archive))
                    .isInstanceOf(DrDrillError.class)
                    .hasMessageEndingWith("'../a\\x0ab' has a '..' path segment")
                    .message().doesNotContain("\n");
        }
    }

    /** Why {@link StrictTarInputStream} exists: what commons-compress 1.28 accepts on its own. */
    @Nested
    class CommonsCompressAloneIsLenient {

        private long entriesReadByCommonsCompress(Path archive) throws IOException {
            long entries = 0;
            try (InputStream in = Files.newInputStream(archive);
                 TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    tar.transferTo(OutputStream.nullOutputStream());
                    entries++;
                }
            }
            return entries;
        }

        @Test
        void aBadHeaderChecksumAndAMissingEndMarkerPassUnnoticed() throws IOException {
            // Given the damaged archives of DamagedTar
            writeFile(tempDir.resolve("src/one.txt"), Archives.text(100));
            writeFile(tempDir.resolve("src/two.txt"), Archives.text(4096));
            run(tempDir, "tar", "--format=ustar", "-cf", "backup.tar", "-C", "src", "one.txt", "two.txt");
            Path noMarker = Archives.truncateCopy(tempDir.resolve("backup.tar"), tempDir.resolve("cut.tar"), 5632);
            Path halfHeader = Archives.truncateCopy(tempDir.resolve("backup.tar"), tempDir.resolve("half.tar"), 1124);
            Archives.flip(tempDir.resolve("backup.tar"), 1025, 0x20);

            // When / Then commons-compress reads them without an exception (the half header just ends the archive)
            assertThat(entriesReadByCommonsCompress(tempDir.resolve("backup.tar"))).isEqualTo(2);
            assertThat(entriesReadByCommonsCompress(noMarker)).isEqualTo(2);
            assertThat(entriesReadByCommonsCompress(halfHeader)).isEqualTo(1);
        }
    }

    @Test
    void sizesAreHumanReadable() {
        // Given / When / Then sizes use binary units with one decimal
        assertThat(TarArchiveCheck.size(0)).isEqualTo("0 B");
        assertThat(TarArchiveCheck.size(1023)).isEqualTo("1023 B");
        assertThat(TarArchiveCheck.size(1024)).isEqualTo("1.0 KiB");
        assertThat(TarArchiveCheck.size(1_258_291)).isEqualTo("1.2 MiB");
        assertThat(TarArchiveCheck.size(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
    }

    @Test
    void onlyArchiveFormatsAreAccepted() {
        // Given / When / Then json and raw are not this check's business
        assertThatThrownBy(() -> check.verify(tempDir.resolve("x.json"), BackupFormat.JSON))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
