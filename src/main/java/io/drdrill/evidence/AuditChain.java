package io.drdrill.evidence;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.drdrill.step.Sha256;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit trail's hash chain. Each line is one JSON object with {@code seq} (1, 2, …), {@code prev_hash} (the
 * previous line's {@code hash}; 64 zeros before the first line) and {@code hash} = SHA-256 hex of
 * {@code prev_hash + "\n" + JCS(the line without "hash")}. A line is written as the JCS form of all its fields.
 * Editing, removing, reordering or inserting a line breaks the chain at that line; removing lines from the end is
 * visible only against a head (count and hash) known from elsewhere.
 */
public final class AuditChain {

    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private AuditChain() {
    }

    /** Where a chain stands: the last line's seq and hash. */
    public record Head(long seq, String hash) {
        public static final Head START = new Head(0, GENESIS);
    }

    /** One chained line (without its newline) and the head after it. */
    public record Chained(String line, Head head) {
    }

    /** @param fields the line's own fields; {@code seq}, {@code prev_hash} and {@code hash} are set here */
    public static Chained append(Head head, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>(fields);
        line.remove("hash");
        line.put("seq", head.seq() + 1);
        line.put("prev_hash", head.hash());
        String hash = hash(head.hash(), CanonicalJson.of(line));
        line.put("hash", hash);
        return new Chained(CanonicalJson.of(line), new Head(head.seq() + 1, hash));
    }

    /** Chains lines from the start. */
    public static List<String> chain(List<Map<String, Object>> lines) {
        Head head = Head.START;
        List<String> out = new ArrayList<>();
        for (Map<String, Object> fields : lines) {
            Chained chained = append(head, fields);
            out.add(chained.line());
            head = chained.head();
        }
        return out;
    }

    private static String hash(String previous, String canonical) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return Sha256.hex(sha.digest((previous + "\n" + canonical).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The result of checking a chain: the lines read and the head, or the first broken line. */
    public record Verification(long lines, Head head, Optional<String> broken) {
        public boolean intact() {
            return broken.isEmpty();
        }
    }

    /** Checks every line of a file: JSON, seq, prev_hash and hash. */
    public static Verification verify(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            return new Verification(0, Head.START, Optional.of("line ?: the file is not UTF-8"));
        }
        Head head = Head.START;
        String[] lines = text.split("\n", -1);
        int count = lines.length;
        if (text.isEmpty()) {
            return new Verification(0, head, Optional.empty());
        }
        if (!lines[count - 1].isEmpty()) {
            return new Verification(count - 1, head, Optional.of("line " + count + ": the last line does not end "
                    + "with a newline (truncated?)"));
        }
        for (int i = 0; i < count - 1; i++) {
            Optional<String> broken = check(head, lines[i]);
            if (broken.isPresent()) {
                return new Verification(i, head, Optional.of("line " + (i + 1) + ": " + broken.get()));
            }
            head = headOf(lines[i]);
        }
        return new Verification(count - 1, head, Optional.empty());
    }

    /** Why {@code line} does not follow {@code head}, or empty when it does. */
    static Optional<String> check(Head head, String line) {
        if (line.isBlank()) {
            return Optional.of("an empty line");
        }
        Object parsed;
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) {
                return Optional.of("not a JSON object");
            }
            parsed = CanonicalJson.plain(node);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of("not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = new LinkedHashMap<>((Map<String, Object>) parsed);
        if (!(fields.get("seq") instanceof Long seq)) {
            return Optional.of("no integer seq");
        }
        if (seq != head.seq() + 1) {
            return Optional.of("seq " + seq + " where " + (head.seq() + 1) + " was expected (a line removed, "
                    + "inserted or reordered)");
        }
        if (!head.hash().equals(fields.get("prev_hash"))) {
            return Optional.of("prev_hash is not the previous line's hash (a line removed, inserted or reordered)");
        }
        if (!(fields.remove("hash") instanceof String hash)) {
            return Optional.of("no hash");
        }
        if (!hash.equals(hash(head.hash(), CanonicalJson.of(fields)))) {
            return Optional.of("hash does not match the line's content (the line was edited)");
        }
        return Optional.empty();
    }

    /** The seq and hash a (well-formed) line states. */
    public static Head headOf(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return new Head(node.get("seq").longValue(), node.get("hash").textValue());
        } catch (IOException | NullPointerException e) {
            throw new IllegalArgumentException("not an audit line: " + e.getMessage(), e);
        }
    }

    /** The head of a chained file: its last line's seq and hash, or the start for an empty or missing file. */
    public static Head headOf(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Head.START;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return headOf(channel);
        }
    }

    /** Reads through the channel itself: closing another handle on a locked file would drop the lock. */
    private static Head headOf(FileChannel channel) throws IOException {
        long end = channel.size();
        if (end == 0) {
            return Head.START;
        }
        long chunk = Math.min(end, 1 << 16);
        while (true) {
            ByteBuffer tail = ByteBuffer.allocate((int) chunk);
            long position = end - chunk;
            while (tail.hasRemaining()) {
                int read = channel.read(tail, position + tail.position());
                if (read < 0) {
                    throw new IOException("the file shrank while its head was read");
                }
            }
            String text = new String(tail.array(), StandardCharsets.UTF_8);
            String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            int newline = trimmed.lastIndexOf('\n');
            if (newline >= 0 || chunk == end) {
                return headOf(trimmed.substring(newline + 1));
            }
            chunk = Math.min(end, chunk * 4);
        }
    }

    /** Writes chained lines to a new file (replacing it). */
    public static void write(Path file, List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Appends lines to a chained file, continuing from its last line, under an exclusive file lock (several
     * writers in this JVM or others take turns), then flushes and forces them to disk.
     *
     * @return the head after the last line
     */
    public static synchronized Head append(Path file, List<Map<String, Object>> lines) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            Head head = headOf(channel);
            StringBuilder text = new StringBuilder();
            for (Map<String, Object> fields : lines) {
                Chained chained = append(head, fields);
                text.append(chained.line()).append('\n');
                head = chained.head();
            }
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            long position = channel.size();
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
            channel.force(true);
            return head;
        }
    }
}
