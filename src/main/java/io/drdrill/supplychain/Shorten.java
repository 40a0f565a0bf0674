package io.drdrill.supplychain;

/**
 * Makes texts read from provenance files safe for one-line messages and compact facts: control characters become
 * '?', and long texts are shortened keeping both ends (key ids and URLs differ at their ends).
 */
final class Shorten {

    private Shorten() {
    }

    /** {@code text} if at most {@code max} characters, else its start and end joined by "…" ({@code max} in all). */
    static String middle(String text, int max) {
        if (text == null) {
            return null;
        }
        text = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        if (text.length() <= max) {
            return text;
        }
        int head = (max - 1) / 3;
        return text.substring(0, head) + "…" + text.substring(text.length() - (max - 1 - head));
    }
}
