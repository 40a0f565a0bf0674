package io.drdrill.backup;

import io.drdrill.step.Text;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drdrill.step.DrDrillError;
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

    private final TarArchiveCheck archives = new TarArchiveCheck();

    public StepResult verify(Path backup, BackupFormat format) {
        if (!Files.isRegularFile(backup)) {
            // a FIFO or device put there since the digest step would block or never end
            throw new DrDrillError("backup " + backup + " does not exist or is not a regular file");
        }
        return switch (format) {
            case JSON -> withFormat(format, verify(backup));
            case RAW -> StepResult.of("raw backup: the payload is opaque, the digest is the whole check",
                    "backup_format", format.id());
            case TAR, TAR_GZ -> archives.verify(backup, format);
        };
    }

    private static StepResult withFormat(BackupFormat format, StepResult outcome) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("backup_format", format.id());
        facts.putAll(outcome.facts());
        return new StepResult(outcome.notes(), facts);
    }

    /** The {@code json} check: every service is ready. */
    public StepResult verify(Path backup) {
        try (InputStream in = Files.newInputStream(backup); JsonParser parser = JSON.createParser(in)) {
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
