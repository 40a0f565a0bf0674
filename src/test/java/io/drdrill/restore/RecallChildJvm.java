package io.drdrill.restore;

import io.drdrill.manifest.Manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A separate JVM for {@link RecallContainmentTest}: one that runs a restore so that the test can SIGKILL it
 * mid-recall, or one started as another user to see which containment a non-root drill gets.
 *
 * <ul>
 *   <li>{@code restore WRAPPER_INDEX BUNDLE_DIR SCRIPT}: restores BUNDLE_DIR/backup.json with SCRIPT under
 *       {@code RecallWrapper.candidates().get(WRAPPER_INDEX)}</li>
 *   <li>{@code probe}: prints {@code containment=LABEL} and {@code uid=UID} as seen by a command run through the
 *       detected wrapper</li>
 * </ul>
 */
public final class RecallChildJvm {

    private RecallChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "restore" -> restore(Integer.parseInt(args[1]), Path.of(args[2]), Path.of(args[3]));
            case "probe" -> probe();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void restore(int wrapperIndex, Path bundle, Path script) {
        Manifest manifest = new Manifest(bundle.resolve("manifest.json"), "0".repeat(64),
                new Manifest.Backup(bundle.resolve("backup.json"), "0".repeat(64), Instant.parse("2026-01-31T23:00:00Z")),
                new Manifest.Sbom(bundle.resolve("sbom.cdx.json")), new Manifest.Provenance(bundle.resolve("provenance.json")),
                new Manifest.Restore(bundle.resolve("restored"), Optional.of(script), false, 600),
                new Manifest.Policies(Optional.empty(), Optional.empty()));
        RecallWrapper wrapper = RecallWrapper.candidates().get(wrapperIndex);
        System.out.println("restoring under " + wrapper);
        new RestoreRunner(List.of(), wrapper).restore(manifest, bundle.resolve("logs"));
        System.out.println("restore returned");
    }

    private static void probe() throws IOException, InterruptedException {
        RecallWrapper wrapper = RecallWrapper.detected();
        System.out.println("containment=" + wrapper.containment().label());
        Process id = new ProcessBuilder(wrapper.command(List.of("/usr/bin/id", "-u"))).redirectErrorStream(true)
                .start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        System.out.println("uid=" + uid);
    }
}
