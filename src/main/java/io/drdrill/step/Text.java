package io.drdrill.step;

/**
 * The one way texts are shortened for messages, variables and facts: long texts from documents and scripts
 * must never blow a 4000-character variable column or a one-line message.
 */
public final class Text {

    /** String variables live in a 4000-character column (PostgreSQL): longer texts are shortened first. */
    public static final int MAX_VARIABLE_CHARS = 3900;

    private Text() {
    }

    /** {@code text} if at most {@code max} characters, else its start and "..." ({@code max} in all). */
    public static String shorten(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 3) + "...";
    }

    /**
     * {@code text} if at most {@code max} characters, else its start and end joined by "…" ({@code max} in all),
     * for key ids and URLs, which differ at their ends; control characters become '?'.
     */
    public static String middle(String text, int max) {
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
