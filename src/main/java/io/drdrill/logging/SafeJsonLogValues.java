package io.drdrill.logging;

import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * Structured (JSON) log lines escape C0 and C1 controls themselves ({@code \u001b}), but keep Unicode line
 * separators and bidirectional overrides as they are: valid JSON that a log viewer would still render. Every
 * string value of a line gets those escaped as {@link TerminalText} does ({@code \u202e}), so an input can forge
 * or reorder nothing in the JSON log either.
 */
public class SafeJsonLogValues implements StructuredLoggingJsonMembersCustomizer<Object> {

    @Override
    public void customize(JsonWriter.Members<Object> members) {
        members.applyingValueProcessor(JsonWriter.ValueProcessor.of(String.class, SafeJsonLogValues::escape));
    }

    /** What TerminalText escapes, except the controls the JSON encoding escapes exactly. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = Character.isISOControl(c) ? null : TerminalText.escape(String.valueOf(c));
            boolean changed = escaped != null && !(escaped.length() == 1 && escaped.charAt(0) == c);
            if (changed && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                out.append(changed ? escaped : String.valueOf(c));
            }
        }
        return out == null ? text : out.toString();
    }
}
