package io.drdrill.manifest;

/** The manifest cannot be read or a field is missing or malformed; the message names the field. */
public class InvalidManifestException extends RuntimeException {

    public InvalidManifestException(String message) {
        super(message);
    }

    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
