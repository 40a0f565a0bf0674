package io.drdrill.process;

/** String variables live in a 4000-character column: long texts are shortened before they are stored. */
final class Texts {

    static final int MAX_VARIABLE_CHARS = 3900;

    private Texts() {
    }

    static String limit(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 3) + "...";
    }

    static String limit(String text) {
        return limit(text, MAX_VARIABLE_CHARS);
    }
}
