package io.drdrill.drill;

import io.drdrill.manifest.Manifest;
import io.drdrill.step.StepName;
import io.drdrill.step.StepResult;

import java.nio.file.Path;

/**
 * What the process needs from the drill core: the manifest, and each step by name. The engine's delegates
 * depend on this, not on {@link Drill}, so that model tests can give a step the outcome they need.
 */
public interface DrillSteps {

    Manifest loadManifest(Path path);

    /** Loads the manifest again for a later step; it must be byte-for-byte the one the drill started with. */
    Manifest reloadManifest(Path path, String expectedSha256);

    /** Runs one step; a step that finds a problem throws {@code DrDrillError} or {@code PolicyViolation}. */
    StepResult run(StepName step, DrillContext context);
}
