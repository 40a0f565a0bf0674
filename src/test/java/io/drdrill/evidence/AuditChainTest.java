package io.drdrill.evidence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit trail's hash chain catches every edit, removal, reordering and insertion, and JCS is canonical. */
class AuditChainTest {

    @TempDir
    Path dir;

    @Test
    void anIntactChainVerifiesWithItsCountAndHead() throws IOException {
        // Given three chained lines
        Path file = chained(3);

        // When the file is verified
        AuditChain.Verification result = AuditChain.verify(file);

        // Then all three lines hold and the head is the last line's hash
        assertThat(result.broken()).isEmpty();
        assertThat(result.lines()).isEqualTo(3);
        assertThat(result.head()).isEqualTo(AuditChain.headOf(file));
        assertThat(Files.readAllLines(file).get(0)).contains("\"prev_hash\":\"" + AuditChain.GENESIS + "\"")
                .contains("\"seq\":1");
    }

    @Test
    void editingOneValueBreaksThatLine() throws IOException {
        // Given a chain whose second line has one value changed
        Path file = chained(3);
        List<String> lines = Files.readAllLines(file);
        lines.set(1, lines.get(1).replace("\"step-1\"", "\"step-X\""));
        Files.write(file, lines);

        // When it is verified, then line 2 is named as edited
        assertThat(AuditChain.verify(file).broken()).hasValue("line 2: hash does not match the line's content "
                + "(the line was edited)");
    }

    @Test
    void removingALineBreaksTheLineAfterIt() throws IOException {
        // Given a chain with its second line removed
        Path file = chained(3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        Files.write(file, lines);

        // When it is verified, then the line now at 2 is named
        assertThat(AuditChain.verify(file).broken()).hasValueSatisfying(broken ->
                assertThat(broken).startsWith("line 2: seq 3 where 2 was expected"));
    }

    @Test
    void swappingTwoLinesIsCaught() throws IOException {
        // Given a chain with lines 2 and 3 swapped
        Path file = chained(3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.add(1, lines.remove(2));
        Files.write(file, lines);

        // When it is verified, then line 2 is named
        assertThat(AuditChain.verify(file).broken()).hasValueSatisfying(broken ->
                assertThat(broken).startsWith("line 2: seq 3 where 2 was expected"));
    }

    @Test
    void aLineReHashedAfterAnEditStillBreaksTheNextLine() throws IOException {
        // Given a chain whose second line was edited and given a new valid hash by someone without the rest
        Path file = chained(3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        AuditChain.Head afterFirst = AuditChain.headOf(lines.get(0));
        lines.set(1, AuditChain.append(afterFirst, fields(99)).line());
        Files.write(file, lines);

        // When it is verified, then line 3 no longer follows
        assertThat(AuditChain.verify(file).broken()).hasValue("line 3: prev_hash is not the previous line's hash "
                + "(a line removed, inserted or reordered)");
    }

    @Test
    void garbageAppendedOrATruncatedLastLineIsCaught() throws IOException {
        // Given one chain with garbage appended and one cut in the middle of its last line
        Path garbage = chained(2);
        Files.writeString(garbage, "{\"seq\":3,\"oops\"\n", java.nio.file.StandardOpenOption.APPEND);
        Path truncated = chained(2);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 20));

        // When they are verified
        // Then the bad line is named in each
        assertThat(AuditChain.verify(garbage).broken()).hasValueSatisfying(broken ->
                assertThat(broken).startsWith("line 3: not valid JSON"));
        assertThat(AuditChain.verify(truncated).broken()).hasValueSatisfying(broken ->
                assertThat(broken).startsWith("line 2: the last line does not end with a newline"));
    }

    @Test
    void appendingToAFileContinuesItsChain() throws IOException {
        // Given a chained file of two lines
        Path file = chained(2);

        // When two more lines are appended
        AuditChain.Head head = AuditChain.append(file, List.of(fields(3), fields(4)));

        // Then the whole file verifies with four lines and the returned head
        AuditChain.Verification result = AuditChain.verify(file);
        assertThat(result.broken()).isEmpty();
        assertThat(result.lines()).isEqualTo(4);
        assertThat(result.head()).isEqualTo(head);
    }

    @Test
    void canonicalJsonSortsKeysEscapesLikeEcmaScriptAndRefusesFractions() {
        // Given values with unsorted keys, control characters, non-ASCII text and a lone surrogate
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", List.of(1L, true, "x"));
        value.put("a", "line\n\u0001\"é€\ud800");
        value.put("c", null);

        // When they are canonicalized
        // Then keys are sorted, only what JSON must escape is escaped, and a double is refused
        assertThat(CanonicalJson.of(value)).isEqualTo("{\"a\":\"line\\n\\u0001\\\"é€\\ud800\",\"b\":[1,true,\"x\"],"
                + "\"c\":null}");
        assertThat(CanonicalJson.of(Map.of("\u00e9", 1, "z", 2, "A", 3))).isEqualTo("{\"A\":3,\"z\":2,\"é\":1}");
        assertThatThrownBy(() -> CanonicalJson.of(Map.of("x", 1.5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new String(CanonicalJson.of("é").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo("\"é\"");
    }

    private Path chained(int count) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(fields(i));
        }
        Path file = dir.resolve("chain-" + count + "-" + System.nanoTime() + ".ndjson");
        AuditChain.write(file, AuditChain.chain(lines));
        return file;
    }

    private static Map<String, Object> fields(int i) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("type", "activity_instance");
        fields.put("activity_id", "step-" + i);
        fields.put("time", "2026-12-02T02:00:0" + i + ".000Z");
        return fields;
    }
}
