package io.drdrill.supplychain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.step.DrDrillError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the small JSON documents of the supply chain (SBOM, provenance) with a size bound: each is held in memory
 * whole as bytes and as a tree, so the bound is what keeps the heap bounded.
 */
final class JsonFiles {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonFiles() {
    }

    static byte[] read(Path file, String what, long maxBytes) {
        if (!Files.isRegularFile(file)) {
            throw new DrDrillError(what + " " + file + " does not exist or is not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            // read to the bound and one byte past it, not to what the size said: a file may grow meanwhile
            byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > maxBytes) {
                throw new DrDrillError(what + " " + file + " is larger than " + (maxBytes >> 20) + " MiB ("
                        + Files.size(file) + " bytes): it is read into memory whole, and a bigger one is refused");
            }
            return bytes;
        } catch (IOException e) {
            throw new DrDrillError(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    static JsonNode parse(byte[] bytes, Path file, String what) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new DrDrillError(what + " " + file.getFileName() + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new DrDrillError(what + " " + file.getFileName() + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DrDrillError(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
