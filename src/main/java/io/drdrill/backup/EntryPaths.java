package io.drdrill.backup;

import java.util.Optional;

/**
 * Whether extracting an archive entry could write outside the folder it is extracted into. The check is lexical:
 * both {@code /} and {@code \} separate segments (Windows extractors treat {@code \} as a separator), and
 * a drive prefix such as {@code C:} counts as absolute.
 */
final class EntryPaths {

    private static final int MAX_SHOWN = 120;

    private EntryPaths() {
    }

    /** Why the entry name is unsafe, e.g. "is an absolute path"; empty when it is safe. */
    static Optional<String> unsafeName(String name) {
        if (name.isEmpty()) {
            return Optional.of("has an empty name");
        }
        if (isAbsolute(name)) {
            return Optional.of("is an absolute path");
        }
        if (hasDotDot(name)) {
            return Optional.of("has a '..' path segment");
        }
        return Optional.empty();
    }

    /**
     * Why a symbolic link is unsafe: its target is absolute, or, resolved against the link's own folder, climbs
     * above the top of the archive. {@code a/b -> ../c} is fine, {@code a/b -> ../../c} is not.
     */
    static Optional<String> unsafeSymlink(String name, String target) {
        if (isAbsolute(target)) {
            return Optional.of("is a symlink to an absolute path");
        }
        int depth = 0;
        String[] nameSegments = name.split("[/\\\\]");
        for (int i = 0; i < nameSegments.length - 1; i++) {
            depth = step(depth, nameSegments[i]);
        }
        for (String segment : target.split("[/\\\\]")) {
            depth = step(depth, segment);
            if (depth < 0) {
                return Optional.of("is a symlink pointing outside the archive");
            }
        }
        return Optional.empty();
    }

    /**
     * Why an entry is unsafe given the symlinks earlier entries made: extracting {@code a/b -> ..} and then
     * {@code a/b/c -> ..} writes through links, so an entry whose path, or a link whose target, passes through
     * a symlink is refused. Names are compared after dropping {@code ./} and repeated or trailing separators.
     */
    static Optional<String> throughSymlink(String name, String linkTarget, java.util.Set<String> symlinks) {
        if (symlinks.isEmpty()) {
            return Optional.empty();
        }
        java.util.List<String> path = new java.util.ArrayList<>();
        String[] segments = segments(name);
        for (int i = 0; i < segments.length - 1; i++) {
            path.add(segments[i]);
            if (symlinks.contains(String.join("/", path))) {
                return Optional.of("is inside the symlink '" + shown(String.join("/", path)) + "'");
            }
        }
        if (linkTarget != null) {
            for (String segment : segments(linkTarget)) {
                if (segment.equals("..")) {
                    if (!path.isEmpty()) {
                        path.remove(path.size() - 1);
                    }
                } else {
                    path.add(segment);
                    if (symlinks.contains(String.join("/", path))) {
                        return Optional.of("is a symlink through the symlink '" + shown(String.join("/", path)) + "'");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The entry name as a key: no {@code ./}, no empty segments, a backslash read as a separator. */
    static String key(String name) {
        return String.join("/", segments(name));
    }

    private static String[] segments(String name) {
        return java.util.Arrays.stream(name.split("[/\\\\]+")).filter(s -> !s.isEmpty() && !s.equals("."))
                .toArray(String[]::new);
    }

    /** Why a hard link is unsafe: its target (another entry's name) is absolute or has a '..' segment. */
    static Optional<String> unsafeHardlink(String target) {
        if (isAbsolute(target)) {
            return Optional.of("is a hard link to an absolute path");
        }
        if (hasDotDot(target)) {
            return Optional.of("is a hard link to a path with a '..' segment");
        }
        return Optional.empty();
    }

    /** A name fit for a one-line message: control characters escaped, at most {@value #MAX_SHOWN} characters. */
    static String shown(String name) {
        StringBuilder out = new StringBuilder(Math.min(name.length(), MAX_SHOWN) + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
            if (out.length() > MAX_SHOWN) {
                return out.substring(0, MAX_SHOWN - 3) + "...";
            }
        }
        return out.toString();
    }

    private static int step(int depth, String segment) {
        if (segment.isEmpty() || segment.equals(".")) {
            return depth;
        }
        return segment.equals("..") ? depth - 1 : depth + 1;
    }

    private static boolean isAbsolute(String path) {
        if (path.startsWith("/") || path.startsWith("\\")) {
            return true;
        }
        return path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))
                && path.charAt(0) < 0x80;
    }

    private static boolean hasDotDot(String path) {
        for (String segment : path.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
