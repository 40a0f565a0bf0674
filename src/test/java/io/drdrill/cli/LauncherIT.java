package io.drdrill.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bin/dr-drill} and its class-data archive, as a pipeline meets them: the first drill after a build makes
 * the archive and runs on it, a cut-off, damaged or outdated archive only costs time, the jar runs without any
 * archive, and the JVM is the one on the PATH unless DR_DRILL_JAVA names another (a Java 25 gets an AOT cache).
 * Each test has a project folder of its own (the launcher, the built jar, the sample bundle), so that nothing here
 * touches the archive the other tests run on. Where a class came from is read off the JVM's class-load log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LauncherIT {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final String SAMPLE_TIME = "2026-11-20T06:30:00Z";
    private static final String VERDICT = "\\[dr-drill] PASS: RTO=\\d+\\.\\ds \\(limit=900s\\), RPO=30\\.0m \\(limit=10080m\\)";
    /** The Java running these tests (17 in CI): first on the PATH the launcher is given, so no other one is found. */
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));

    /** One folder for the class: the trained project made by the first test that needs it serves the others. */
    @TempDir
    static Path work;

    private Trained trained;

    @Test
    void theFirstDrillAfterABuildMakesTheArchiveAndTheNextOneLoadsTheApplicationFromIt() throws Exception {
        // Given a built project that has never run a drill
        Trained first = trained();

        // When a second drill runs
        Result next = drill(first.root(), Map.of());

        // Then both passed with only the verdict on stdout, the archive is recorded whole, and the application's
        // classes came from it
        assertThat(first.run().exit()).isZero();
        assertThat(first.run().stdout().strip()).matches(VERDICT);
        Path archive = archive(first.root()).orElseThrow();
        assertThat(isRecordedAs(archive, "cds")).isTrue();
        assertThat(recordedSize(archive)).isEqualTo(Files.size(archive));
        assertThat(next.exit()).isZero();
        assertThat(next.mainLoadedFrom()).isEqualTo("shared objects file (top)");
    }

    @Test
    void aCutOffArchiveIsNeverMappedAndIsMadeAnewByTheNextDrill() throws Exception {
        // Given a trained project whose archive lost its second half
        Path root = copyOf(trained().root());
        Path archive = archive(root).orElseThrow();
        long whole = Files.size(archive);
        archive.toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.setLength(whole / 2);
        }

        // When a drill runs
        Result run = drill(root, Map.of());

        // Then it passed on a new, whole archive
        assertThat(run.exit()).isZero();
        assertThat(run.stdout().strip()).matches(VERDICT);
        assertThat(Files.size(archive)).isGreaterThan(whole / 2).isEqualTo(recordedSize(archive));
        assertThat(run.mainLoadedFrom()).isEqualTo("shared objects file (top)");
    }

    @Test
    void aDamagedArchiveOfTheRecordedSizeIsDroppedByTheJvmAndTheDrillPassesWithoutAWord() throws Exception {
        // Given a trained project whose archive has 4 KiB inverted in the middle, its size unchanged
        Path root = copyOf(trained().root());
        Path archive = archive(root).orElseThrow();
        archive.toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            byte[] block = new byte[4096];
            file.seek(file.length() / 2);
            file.readFully(block);
            for (int i = 0; i < block.length; i++) {
                block[i] = (byte) ~block[i];
            }
            file.seek(file.length() / 2);
            file.write(block);
        }

        // When a drill runs, quiet
        Result run = drill(root, Map.of());

        // Then it passed with nothing but the verdict, its classes read from the jar
        assertThat(run.exit()).isZero();
        assertThat(run.stdout().strip()).matches(VERDICT);
        assertThat(run.stderr()).isEmpty();
        assertThat(run.mainLoadedFrom()).startsWith("file:").endsWith("/dr-drill.jar");
    }

    @Test
    void aRebuiltJarGetsAFolderAndAnArchiveOfItsOwn() throws Exception {
        // Given a trained project whose jar is then replaced by another build (a new file, a new time)
        Path root = copyOf(trained().root());
        Path jar = root.resolve("target/dr-drill.jar");
        Path before = archive(root).orElseThrow();
        Files.delete(jar);
        Files.copy(trained().root().resolve("target/dr-drill.jar"), jar);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        // When a drill runs
        Result run = drill(root, Map.of());

        // Then it passed on an archive made for the new jar, in a folder of its own
        assertThat(run.exit()).isZero();
        Path after = archive(root, jar).orElseThrow();
        assertThat(after.getParent()).isNotEqualTo(before.getParent());
        assertThat(run.mainLoadedFrom()).isEqualTo("shared objects file (top)");
    }

    @Test
    void withTheArchiveTurnedOffTheJarRunsAsBuiltAndNothingIsExtracted() throws Exception {
        // Given a built project that has never run a drill
        Path root = project("plain");

        // When a drill runs with DR_DRILL_CDS=0
        Result run = drill(root, Map.of("DR_DRILL_CDS", "0"));

        // Then it passed from the jar itself and no launch folder was made
        assertThat(run.exit()).isZero();
        assertThat(run.stdout().strip()).matches(VERDICT);
        assertThat(run.mainLoadedFrom()).startsWith("jar:nested:").contains("/target/dr-drill.jar");
        assertThat(root.resolve("target/dr-drill-launch")).doesNotExist();
    }

    @Test
    void aJava25NamedByDrDrillJavaGetsAnAotCacheOfItsOwnBesideTheArchiveOfJava17() throws Exception {
        // Given a trained project, and a Java 25 installed in the standard folder (where there is one)
        Optional<Path> java25 = java25();
        assumeTrue(java25.isPresent(), "no Java 25 in /usr/lib/jvm");
        Path root = copyOf(trained().root());
        Path java17Archive = archive(root).orElseThrow();

        // When two drills run on it
        Map<String, String> env = Map.of("DR_DRILL_JAVA", java25.get().toString());
        Result first = drill(root, env);
        Result second = drill(root, env);

        // Then both passed, the second on an AOT cache recorded as such, and the archive of Java 17 is untouched
        assertThat(first.exit()).isZero();
        assertThat(second.exit()).isZero();
        assertThat(second.stdout().strip()).matches(VERDICT);
        List<Path> records;
        try (Stream<Path> files = Files.list(java17Archive.getParent())) {
            records = files.filter(f -> f.getFileName().toString().endsWith(".jsa.ok")).toList();
        }
        assertThat(records).hasSize(2);
        assertThat(records).anySatisfy(ok -> assertThat(ok).content().startsWith("aot "));
        assertThat(second.mainLoadedFrom()).isEqualTo("shared objects file");
        assertThat(Files.size(java17Archive)).isEqualTo(recordedSize(java17Archive));
    }

    @Test
    void aDrDrillJavaThatIsNoJavaGivesOneLineAndExitFour() throws Exception {
        // Given a built project
        Path root = project("nojava");

        // When DR_DRILL_JAVA names a file that is not there
        Result run = drill(root, Map.of("DR_DRILL_JAVA", work.resolve("no-such-java").toString()));

        // Then one line says so, with exit 4
        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr().strip())
                .isEqualTo("[dr-drill] ERROR: DR_DRILL_JAVA=" + work.resolve("no-such-java") + " is not an executable java");
    }

    /** A project that ran its first drill (so its archive was made): made once, shared read-only by the tests. */
    private record Trained(Path root, Result run) {
    }

    private synchronized Trained trained() throws Exception {
        if (trained == null) {
            Path root = project("trained");
            trained = new Trained(root, drill(root, Map.of()));
        }
        return trained;
    }

    /** The launcher, the built jar and the sample bundle: all a drill and a training run need. */
    private Path project(String name) throws IOException {
        Path root = work.resolve(name);
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("target"));
        Files.copy(PROJECT.resolve("bin/dr-drill"), root.resolve("bin/dr-drill"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(PROJECT.resolve("target/dr-drill.jar"), root.resolve("target/dr-drill.jar"),
                StandardCopyOption.COPY_ATTRIBUTES);
        copyTree(PROJECT.resolve("data/dr"), root.resolve("data/dr"));
        return root;
    }

    /** A copy of a trained project whose jar is the same file (a hard link), so its archive still belongs to it. */
    private Path copyOf(Path trainedRoot) throws Exception {
        Path root = Files.createTempDirectory(work, "copy");
        copyTree(trainedRoot.resolve("bin"), root.resolve("bin"));
        copyTree(trainedRoot.resolve("data"), root.resolve("data"));
        Files.createDirectories(root.resolve("target"));
        Files.createLink(root.resolve("target/dr-drill.jar"), trainedRoot.resolve("target/dr-drill.jar"));
        copyTree(trainedRoot.resolve("target/dr-drill-launch"), root.resolve("target/dr-drill-launch"));
        return root;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** The Java 17 archive of the project's current jar, if the launcher made one. */
    private static Optional<Path> archive(Path root) throws IOException {
        return archive(root, root.resolve("target/dr-drill.jar"));
    }

    private static Optional<Path> archive(Path root, Path jar) throws IOException {
        Object inode = Files.getAttribute(jar, "unix:ino");
        String key = Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis() / 1000 + "-" + inode;
        Path folder = root.resolve("target/dr-drill-launch").resolve(key);
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> archives = files.filter(f -> f.getFileName().toString().endsWith(".jsa"))
                    .filter(f -> isRecordedAs(f, "cds")).toList();
            return archives.stream().findFirst();
        }
    }

    /** The size the launcher recorded when it made the archive (it maps none of another size). */
    private static long recordedSize(Path archive) throws IOException {
        return Long.parseLong(Files.readString(Path.of(archive + ".ok")).strip().split(" ")[1]);
    }

    private static boolean isRecordedAs(Path archive, String kind) {
        try {
            return Files.readString(Path.of(archive + ".ok")).startsWith(kind + " ");
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> java25() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> {
                        try {
                            return Files.readString(home.resolve("release")).contains("JAVA_VERSION=\"25");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .map(home -> home.resolve("bin/java")).findFirst();
        }
    }

    /** The sample drill, quiet, from a scratch folder, with the class-load log of its JVM. */
    private Result drill(Path root, Map<String, String> env) throws Exception {
        Path cwd = Files.createTempDirectory(work, "cwd");
        Path classLog = cwd.resolve("class-load.log");
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/dr-drill").toString(), "run",
                "--manifest", root.resolve("data/dr/manifest.json").toString(), "--current-time", SAMPLE_TIME,
                "--output", cwd.resolve("evidence/dr-report.json").toString(), "--quiet"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(cwd.resolve("stdout").toFile()).redirectError(cwd.resolve("stderr").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("DR_DRILL_") || name.startsWith("SPRING_"));
        builder.environment().put("PATH", JAVA_HOME.resolve("bin") + ":" + System.getenv("PATH"));
        builder.environment().put("DR_DRILL_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dr-drill did not finish: " + command);
        }
        String loadedFrom = "";
        if (Files.exists(classLog)) {
            try (Stream<String> lines = Files.lines(classLog)) {
                loadedFrom = lines.filter(line -> line.contains(" io.drdrill.Main source: ")).findFirst()
                        .map(line -> line.substring(line.indexOf(" source: ") + 9).strip()).orElse("");
            }
        }
        return new Result(process.exitValue(), Files.readString(cwd.resolve("stdout")),
                Files.readString(cwd.resolve("stderr")), loadedFrom);
    }

    /** One drill: its exit code, what it printed, and where the JVM found the application's main class. */
    private record Result(int exit, String stdout, String stderr, String mainLoadedFrom) {
    }
}
