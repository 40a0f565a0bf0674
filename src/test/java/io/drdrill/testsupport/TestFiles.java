package io.drdrill.testsupport;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small test inputs into a folder. */
public final class TestFiles {

    private TestFiles() {
    }

    public static Path text(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    public static Path json(Path dir, String name, JsonNode content) throws IOException {
        return Files.write(dir.resolve(name), TestBundle.JSON.writeValueAsBytes(content));
    }
}
