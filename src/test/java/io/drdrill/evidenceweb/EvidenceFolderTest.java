package io.drdrill.evidenceweb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A run folder is read without following any link: a link is neither listed nor read, even one pointing inside. */
class EvidenceFolderTest {

    private static final String RUN = "drill-20260102T030405Z-0123456789ab";

    @TempDir
    Path root;

    @Test
    void theListingHoldsTheRegularFilesOfTheRunFolderAndOfItsRestoreFolder() throws IOException {
        // Given a run folder with a report, a recall log, a link, a hidden file and an empty sub-folder
        Path run = Files.createDirectories(root.resolve("evidence").resolve(RUN));
        Files.writeString(run.resolve("dr-report.json"), "{}");
        Files.writeString(Files.createDirectories(run.resolve("restore")).resolve("recall-stdout.log"), "ok\n");
        Files.createSymbolicLink(run.resolve("link.json"), run.resolve("dr-report.json"));
        Files.writeString(run.resolve(".hidden"), "x");
        Files.createDirectories(run.resolve("other"));

        // When it is listed
        Optional<List<EvidenceFolder.Listed>> listed = new EvidenceFolder(root.resolve("evidence")).list(RUN);

        // Then only the two regular files are listed, with their sizes
        assertThat(listed).contains(List.of(new EvidenceFolder.Listed("dr-report.json", 2),
                new EvidenceFolder.Listed("restore/recall-stdout.log", 3)));
    }

    @Test
    void aLinkToAFileIsNotReadEvenWhenItPointsInside() throws IOException {
        // Given a run folder with a report and a link to it
        Path run = Files.createDirectories(root.resolve(RUN));
        Files.writeString(run.resolve("dr-report.json"), "{\"status\":\"passed\"}");
        Files.createSymbolicLink(run.resolve("copy.json"), run.resolve("dr-report.json"));
        EvidenceFolder folder = new EvidenceFolder(root);

        // When both are opened
        // Then the report is read and the link is not there
        try (EvidenceFolder.Opened report = folder.open(RUN, "", "dr-report.json").orElseThrow()) {
            assertThat(report.size()).isEqualTo(19);
            assertThat(read(report)).isEqualTo("{\"status\":\"passed\"}");
        }
        assertThat(folder.open(RUN, "", "copy.json")).isEmpty();
    }

    @Test
    void aLinkedRunFolderOrRestoreFolderIsNotFollowed(@TempDir Path outside) throws IOException {
        // Given a run folder that is a link to a real folder, and a run folder whose restore/ is a link
        Path real = Files.createDirectories(root.resolve("real"));
        Files.writeString(real.resolve("dr-report.json"), "{}");
        String linkedRun = "drill-20260102T030405Z-aaaaaaaaaaaa";
        Files.createSymbolicLink(root.resolve(linkedRun), real);
        Files.writeString(outside.resolve("recall-stdout.log"), "secret");
        Path run = Files.createDirectories(root.resolve(RUN));
        Files.createSymbolicLink(run.resolve("restore"), outside);
        EvidenceFolder folder = new EvidenceFolder(root);

        // When they are listed and read
        // Then neither link is followed
        assertThat(folder.list(linkedRun)).isEmpty();
        assertThat(folder.open(linkedRun, "", "dr-report.json")).isEmpty();
        assertThat(folder.list(RUN)).contains(List.of());
        assertThat(folder.open(RUN, "restore", "recall-stdout.log")).isEmpty();
    }

    @Test
    void aFolderOrAPipeIsNotAFile() throws Exception {
        // Given a run folder with a sub-folder and a named pipe
        Path run = Files.createDirectories(root.resolve(RUN));
        Files.createDirectories(run.resolve("restore"));
        Process mkfifo = new ProcessBuilder("mkfifo", run.resolve("pipe.log").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        EvidenceFolder folder = new EvidenceFolder(root);

        // When they are opened and listed
        // Then neither is read (the pipe would block a reader) nor listed
        assertThat(folder.open(RUN, "", "restore")).isEmpty();
        assertThat(folder.open(RUN, "", "pipe.log")).isEmpty();
        assertThat(folder.list(RUN)).contains(List.of());
    }

    @Test
    void noEvidenceFolderYetIsNoDrillFolder() throws IOException {
        // Given an evidence folder that does not exist yet, when a drill is listed, then there is nothing
        assertThat(new EvidenceFolder(root.resolve("missing")).list(RUN)).isEmpty();
    }

    private static String read(EvidenceFolder.Opened opened) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) opened.size());
        while (buffer.hasRemaining() && opened.channel().read(buffer) > 0) {
            // reads the whole file
        }
        return new String(buffer.array(), StandardCharsets.UTF_8);
    }
}
