package io.drdrill.evidenceweb;

import java.util.regex.Pattern;

/**
 * What a request under {@code /drills} asks for, read from the raw request path (before the container decodes
 * or normalises it), so that no encoded or relative form can name anything but a drill's listing or one of its
 * files: only letters, digits, {@code .}, {@code _}, {@code -} and single slashes pass; anything else is refused.
 */
sealed interface EvidenceRoute {

    String PREFIX = "/drills";
    Pattern RUN_ID = Pattern.compile("drill-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12}");
    Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/-]*");
    /** The one sub-folder served: the recall script's logs. */
    String RESTORE = "restore";

    String runId();

    /** {@code GET /drills/{runId}/}: the drill's evidence files. */
    record Listing(String runId) implements EvidenceRoute {
    }

    /**
     * {@code GET /drills/{runId}/{name}} or {@code /drills/{runId}/restore/{name}}.
     *
     * @param folder "" for the run folder itself, else {@link #RESTORE}
     */
    record File(String runId, String folder, String name) implements EvidenceRoute {
    }

    /** A path that names no drill or file in the allowed form (answered 400). */
    final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /** @param path the raw request URI without the context path, e.g. {@code /drills/drill-…/dr-report.json} */
    static EvidenceRoute parse(String path) throws Malformed {
        if (!path.startsWith(PREFIX)) {
            throw new Malformed("not an evidence path");
        }
        String tail = path.substring(PREFIX.length());
        if (!SAFE_PATH.matcher(tail).matches()) {
            throw new Malformed("an evidence path holds only letters, digits, '.', '_', '-' and '/'"
                    + " (nothing encoded, no path parameters)");
        }
        if (tail.isEmpty() || tail.equals("/")) {
            throw new Malformed("name a drill: /drills/{runId}/");
        }
        if (!tail.startsWith("/")) {
            throw new Malformed("not an evidence path");
        }
        String[] segments = tail.substring(1).split("/", -1);
        String runId = segments[0];
        if (!RUN_ID.matcher(runId).matches()) {
            throw new Malformed("'" + shown(runId) + "' is not a drill's run id (drill-YYYYMMDDTHHMMSSZ-<12 hex digits>)");
        }
        if (segments.length == 1 || (segments.length == 2 && segments[1].isEmpty())) {
            return new Listing(runId);
        }
        if (segments.length == 2) {
            return new File(runId, "", fileName(segments[1]));
        }
        if (segments.length == 3 && segments[1].equals(RESTORE)) {
            return new File(runId, RESTORE, fileName(segments[2]));
        }
        throw new Malformed("not an evidence path: /drills/{runId}/{file} or /drills/{runId}/restore/{file}");
    }

    static boolean isFileName(String name) {
        return FILE_NAME.matcher(name).matches() && !name.contains("..");
    }

    private static String fileName(String name) throws Malformed {
        if (!isFileName(name)) {
            throw new Malformed("'" + shown(name) + "' is not an evidence file name (a letter or digit, then letters, "
                    + "digits, '.', '_' or '-'; no '..'; at most 128 characters)");
        }
        return name;
    }

    private static String shown(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
