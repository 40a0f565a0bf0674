package io.drdrill.manifest;

import java.util.regex.Pattern;

/**
 * The recovery site a drill restores at ({@code restore.site}): a plain name that a site's workers subscribe to,
 * checked the same way in the manifest and on {@code bin/dr-drill worker --site}, so a name that one accepts the
 * other accepts too. A manifest that names none restores at {@value #DEFAULT}.
 */
public final class RestoreSite {

    /** The site of a drill whose manifest names none, and of a worker started without {@code --site}. */
    public static final String DEFAULT = "default";
    public static final int MAX_LENGTH = 63;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    private RestoreSite() {
    }

    /** Null when {@code name} is a site name; else why not, in words. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "must be a site name (letters, digits, '.', '_', '-'), got an empty one";
        }
        if (name.length() > MAX_LENGTH) {
            return "at most " + MAX_LENGTH + " characters, got " + name.length();
        }
        if (!NAME.matcher(name).matches()) {
            return "only letters, digits, '.', '_' and '-' are allowed";
        }
        return null;
    }
}
