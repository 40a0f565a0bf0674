package io.drdrill.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Input text shown on a terminal: control characters become visible escapes, everything else stays. */
class TerminalTextTest {

    @Test
    void escapeSequencesCarriageReturnsAndNulBecomeHexEscapes() {
        // Given a value that would clear the screen, rewrite the line and hide text
        String hostile = "\u001b[2J\r[dr-drill] PASS\u0000\n\t\u007f";

        // When it is escaped
        String shown = TerminalText.escape(hostile);

        // Then every control character is spelled out and nothing else changed
        assertThat(shown).isEqualTo("\\x1b[2J\\x0d[dr-drill] PASS\\x00\\x0a\\x09\\x7f");
    }

    @Test
    void c1ControlsLineSeparatorsAndBidiOverridesBecomeUnicodeEscapes() {
        // Given C1 CSI, a line separator and a right-to-left override
        String hostile = "a\u009b2Jb\u2028c\u202ed";

        // When it is escaped
        // Then each is shown as a Unicode escape
        assertThat(TerminalText.escape(hostile)).isEqualTo("a\\u009b2Jb\\u2028c\\u202ed");
    }

    @Test
    void ordinaryTextIncludingNonAsciiIsReturnedAsItIs() {
        // Given text with accents, CJK and an emoji
        String text = "Sauvegarde réussie — 備份 ✅ /tmp/x";

        // When it is escaped
        // Then it is the very same string
        assertThat(TerminalText.escape(text)).isSameAs(text);
    }
}
