package io.drdrill.logging;

/**
 * Makes text that may come from an input (a manifest field, a file name, a recall script's message) safe to show
 * on a terminal or in a log line: an escape sequence, carriage return or NUL from an input must never move the
 * operator's cursor, rewrite an earlier line or hide text. The JSON evidence keeps the exact text; only what is
 * shown is escaped.
 */
public final class TerminalText {

    private TerminalText() {
    }

    /**
     * C0 controls and DEL become {@code \xHH} ({@code \x1b}, {@code \x0d}, {@code \x00}), C1 controls and the
     * Unicode line separators and bidirectional overrides become {@code \\uHHHH}; everything else is kept.
     */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = escaped(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escaped != null) {
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String escaped(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02x", (int) c);
        }
        if ((c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
