package io.drdrill.backup;

import io.drdrill.step.Text;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drdrill.step.BackupReading;
import io.drdrill.step.DrDrillError;
import io.drdrill.step.FileIdentity;
import io.drdrill.step.Progress;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.BackupFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code verify_backup_payload}, by the manifest's {@code backup.format}:
 * <ul>
 *   <li>{@code json}: the backup is a JSON object with a non-empty {@code services} array whose entries are
 *       objects with {@code status} "ready". The file is parsed as a token stream, so memory stays flat whatever
 *       its size; only the names of (at most {@value #MAX_NAMED}) unready services are kept.</li>
 *   <li>{@code tar}, {@code tar.gz}: the archive is intact and safe to extract, see {@link TarArchiveCheck}.</li>
 *   <li>{@code raw}: opaque bytes; the digest ({@code verify_backup_digest}) is the whole check.</li>
 * </ul>
 */
public final class BackupPayloadCheck {

    static final int MAX_NAMED = 20;

    /** Default read constraints: skipped values are never buffered, kept strings are bounded. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** The payload step's fact saying how its outcome was read: once with the digest, or again. */
    public static final String READ_FACT = "payload_read";

    private final TarArchiveCheck archives = new TarArchiveCheck();

    /** Checks the payload of {@code backup} by reading it on its own (the digest is not taken). */
    public StepResult verify(Path backup, BackupFormat format) {
        if (!Files.isRegularFile(backup)) {
            // a FIFO or device put there since the digest step would block or never end
            throw new DrDrillError("backup " + backup + " does not exist or is not a regular file");
        }
        return switch (format) {
            case JSON -> withFormat(format, verify(backup));
            case RAW -> raw();
            case TAR, TAR_GZ -> archives.verify(backup, format);
        };
    }

    /**
     * {@code verify_backup_payload} as the drill runs it: {@code verify_backup_digest} has already checked the
     * payload from the bytes it hashed ({@link BackupReader}). While the backup is provably the file it read —
     * the same machine (and boot) and the same {@link FileIdentity} — that outcome is the answer and nothing is
     * read again. A backup that changed since (another file, size or modification time) fails. Where it cannot be
     * told (no reading recorded, read on another host or before a reboot, only the status change time moved) the
     * backup is read again, digest and payload in one pass, and its digest must still be the manifest's.
     */
    public StepResult verify(Path backup, BackupFormat format, String expectedSha256,
                             Optional<BackupReading> recorded, Progress progress) {
        if (!Files.isRegularFile(backup)) {
            throw new DrDrillError("backup " + backup + " does not exist or is not a regular file");
        }
        String again;
        if (recorded.isEmpty()) {
            again = "verify_backup_digest recorded no reading";
        } else if (!recorded.get().machine().equals(FileIdentity.machine())) {
            again = recorded.get().host().equals(FileIdentity.host())
                    ? "verify_backup_digest read it before this host restarted"
                    : "verify_backup_digest read it on " + recorded.get().host() + ", this step runs on "
                      + FileIdentity.host();
        } else if (!recorded.get().format().equals(format.id()) || !recorded.get().sha256().equals(expectedSha256)) {
            again = "the recorded reading is of another backup";
        } else {
            String now;
            try {
                now = FileIdentity.of(backup);
            } catch (IOException e) {
                throw new DrDrillError("backup " + backup + " cannot be read: " + e.getMessage(), e);
            }
            String then = recorded.get().identity();
            if (now.equals(then)) {
                return outcome(recorded.get(), "once, with the digest (verify_backup_digest on "
                        + recorded.get().host() + ")");
            }
            if (!FileIdentity.onlyStatusChanged(then, now)) {
                throw new DrDrillError("backup " + backup + " changed after its digest was checked ("
                        + FileIdentity.change(then, now) + "): its payload is not the one that was hashed");
            }
            again = FileIdentity.change(then, now);
        }
        BackupReading reading = new BackupReader(this).read(backup, format, progress);
        if (!reading.sha256().equals(expectedSha256)) {
            throw new DrDrillError("backup " + backup + " changed after its digest was checked (read again: "
                    + again + "): expected sha256:" + expectedSha256 + ", got sha256:" + reading.sha256());
        }
        return outcome(reading, "again, with the digest (" + again + ")");
    }

    /** A recorded payload outcome as the step's result, or as its failure. */
    private static StepResult outcome(BackupReading reading, String read) {
        Map<String, Object> facts = new LinkedHashMap<>(reading.facts());
        facts.put(READ_FACT, read);
        if (!reading.passed()) {
            throw new DrDrillError(reading.notes(), facts);
        }
        return new StepResult(reading.notes(), facts);
    }

    /**
     * The payload check of {@code format} over bytes read elsewhere ({@link BackupReader}): {@code in} is the
     * backup's content from its first byte; {@code backup} names it in messages.
     */
    StepResult check(InputStream in, Path backup, BackupFormat format) {
        return switch (format) {
            case JSON -> withFormat(format, json(in, backup));
            case RAW -> raw();
            case TAR, TAR_GZ -> archives.verify(in, backup, format);
        };
    }

    private static StepResult raw() {
        return StepResult.of("raw backup: the payload is opaque, the digest is the whole check",
                "backup_format", BackupFormat.RAW.id());
    }

    private static StepResult withFormat(BackupFormat format, StepResult outcome) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("backup_format", format.id());
        facts.putAll(outcome.facts());
        return new StepResult(outcome.notes(), facts);
    }

    /** The {@code json} check: every service is ready. */
    public StepResult verify(Path backup) {
        try (InputStream in = Files.newInputStream(backup)) {
            return json(in, backup);
        } catch (IOException e) {
            throw new DrDrillError("backup " + backup + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static StepResult json(InputStream in, Path backup) {
        try (JsonParser parser = JSON.createParser(in)) {
            Tally tally = scan(parser, backup);
            if (tally.services == 0) {
                throw new DrDrillError("backup " + backup.getFileName() + ": 'services' is empty");
            }
            if (tally.notReady > 0) {
                String more = tally.notReady > tally.notReadyNames.size()
                        ? " and " + (tally.notReady - tally.notReadyNames.size()) + " more" : "";
                throw new DrDrillError(tally.notReady + " of " + tally.services + " services not ready: "
                        + String.join(", ", tally.notReadyNames) + more);
            }
            return StepResult.of(tally.services + " services ready", "services_checked", tally.services);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new DrDrillError("backup " + backup.getFileName() + " is not valid JSON: "
                    + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw new DrDrillError("backup " + backup + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Tally scan(JsonParser parser, Path backup) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new DrDrillError("backup " + backup.getFileName() + " must be a JSON object");
        }
        Tally tally = new Tally();
        boolean sawServices = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("services".equals(field)) {
                if (value != JsonToken.START_ARRAY) {
                    throw new DrDrillError("backup " + backup.getFileName() + ": 'services' must be an array");
                }
                sawServices = true;
                scanServices(parser, tally, backup);
            } else {
                parser.skipChildren();
            }
        }
        if (parser.nextToken() != null) {
            throw new DrDrillError("backup " + backup.getFileName() + " has trailing content after the JSON object");
        }
        if (!sawServices) {
            throw new DrDrillError("backup " + backup.getFileName() + " has no 'services' array");
        }
        return tally;
    }

    private static void scanServices(JsonParser parser, Tally tally, Path backup) throws IOException {
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            int index = tally.services++;
            if (token != JsonToken.START_OBJECT) {
                throw new DrDrillError("backup " + backup.getFileName() + ": services[" + index + "] is not an object");
            }
            String name = null;
            String status = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("name".equals(field) && value == JsonToken.VALUE_STRING) {
                    name = Text.shorten(parser.getText(), 120);
                } else if ("status".equals(field) && value == JsonToken.VALUE_STRING) {
                    status = Text.shorten(parser.getText(), 120);
                } else {
                    parser.skipChildren();
                }
            }
            if (!"ready".equals(status)) {
                tally.notReady++;
                if (tally.notReadyNames.size() < MAX_NAMED) {
                    String label = name != null ? name : "services[" + index + "]";
                    tally.notReadyNames.add(label + " (" + (status == null ? "no status" : status) + ")");
                }
            }
        }
    }


    private static final class Tally {
        int services;
        int notReady;
        final List<String> notReadyNames = new ArrayList<>();
    }
}
