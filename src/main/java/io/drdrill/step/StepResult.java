package io.drdrill.step;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a successful step found: a one-line note for the event log, facts for the report (keys are the report's
 * {@code notes} keys, values are JSON-friendly: strings, numbers, booleans, maps, lists), and the measures later
 * steps and the verdict depend on, as typed fields rather than map keys.
 */
public record StepResult(String notes, Map<String, Object> facts, Measures measures) {

    public StepResult {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public StepResult(String notes, Map<String, Object> facts) {
        this(notes, facts, Measures.NONE);
    }

    public static StepResult of(String notes) {
        return new StepResult(notes, Map.of());
    }

    public static StepResult of(String notes, String key, Object value) {
        return new StepResult(notes, Map.of(key, value));
    }

    /**
     * @param rtoSeconds      the restore's duration, measured by {@code restore_artifact}
     * @param rpoMinutes      the backup's age, measured by {@code enforce_policies}
     * @param restoredFileKey identity of the file {@code restore_artifact} restored, for
     *                        {@code validate_restored_backup}
     * @param backupReading   what {@code verify_backup_digest} read, for {@code verify_backup_payload}
     * @param restoredReading what {@code restore_artifact} read back of its copy, for
     *                        {@code validate_restored_backup}
     */
    public record Measures(Optional<Double> rtoSeconds, Optional<Double> rpoMinutes, Optional<String> restoredFileKey,
                           Optional<BackupReading> backupReading, Optional<RestoredReading> restoredReading) {

        public static final Measures NONE = new Measures(Optional.empty(), Optional.empty(), Optional.empty());

        public Measures(Optional<Double> rtoSeconds, Optional<Double> rpoMinutes, Optional<String> restoredFileKey) {
            this(rtoSeconds, rpoMinutes, restoredFileKey, Optional.empty(), Optional.empty());
        }

        public static Measures restore(double rtoSeconds, String restoredFileKey) {
            return restore(rtoSeconds, restoredFileKey, Optional.empty());
        }

        public static Measures restore(double rtoSeconds, String restoredFileKey,
                                       Optional<RestoredReading> restoredReading) {
            return new Measures(Optional.of(rtoSeconds), Optional.empty(), Optional.of(restoredFileKey),
                    Optional.empty(), restoredReading);
        }

        public static Measures policy(double rtoSeconds, double rpoMinutes) {
            return new Measures(Optional.of(rtoSeconds), Optional.of(rpoMinutes), Optional.empty());
        }

        public static Measures read(BackupReading reading) {
            return new Measures(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(reading),
                    Optional.empty());
        }
    }
}
