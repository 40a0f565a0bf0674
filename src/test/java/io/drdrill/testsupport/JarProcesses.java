package io.drdrill.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application as real processes ({@code java -jar target/dr-drill.jar …}), each with its output in a
 * log file, as an operator would run servers and workers: tests that need several JVMs start them here and stop
 * them all at the end.
 */
public final class JarProcesses implements AutoCloseable {

    public static final Path JAR = Path.of("target", "dr-drill.jar").toAbsolutePath();

    private final Path workDir;
    private final List<Process> started = new ArrayList<>();

    public JarProcesses(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts {@code java -Xmx… -jar dr-drill.jar args…} in the working folder, output (both streams) to {@code log}. */
    public synchronized Process start(Path log, String maxHeap, Map<String, String> environment, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx" + maxHeap, "-jar", JAR.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** Waits until {@code GET restBase/version} answers 200 to {@code credentials}, while the process lives. */
    public static void awaitRest(HttpClient http, Process server, Path log, String restBase, String credentials,
                                 Duration wait) throws InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("the server stopped while starting (exit " + server.exitValue() + "), see "
                        + log);
            }
            try {
                if (HttpCalls.send(http, restBase + "/version", "GET", credentials, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the server did not come up within " + wait + ", see " + log);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** SIGTERM to every process started here, then SIGKILL to those still running after 30 s. */
    @Override
    public synchronized void close() throws InterruptedException {
        started.forEach(Process::destroy);
        for (Process process : started) {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        started.clear();
    }
}
