package io.drdrill.logging;

import org.junit.jupiter.api.Test;
import org.springframework.boot.json.JsonWriter;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A structured log line shows no raw control, line separator or bidirectional override from an input. */
class SafeJsonLogValuesTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void stringValuesOfAJsonLineEscapeWhatATerminalWouldInterpret() {
        // Given a JSON line writer with the customizer, and a message with an escape, a bidi override and U+2028
        JsonWriter<Map<String, String>> writer = JsonWriter.of(members -> {
            members.add("message", m -> m.get("message"));
            new SafeJsonLogValues().customize((JsonWriter.Members) members);
        });
        String message = "digest \u001b[2J mismatch \u202egnp.exe\u2028forged line";

        // When the line is written
        String line = writer.writeToString(Map.of("message", message));

        // Then the escape is JSON-escaped, the override and the separator are escaped as text, nothing is raw
        assertThat(line).isEqualTo("{\"message\":\"digest \\u001B[2J mismatch \\\\u202egnp.exe\\\\u2028forged line\"}");
        assertThat(line.chars().noneMatch(c -> c < 0x20 || c == 0x202e || c == 0x2028)).isTrue();
    }

    @Test
    void plainTextIsKept() {
        // Given text without anything to escape, when it is processed, then it is the same string
        String text = "drill step verify_backup_digest passed — ünïcode";
        assertThat(SafeJsonLogValues.escape(text)).isSameAs(text);
    }
}
