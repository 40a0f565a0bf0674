package io.drdrill.manifest;

/** A manifest name that points outside the catalog: refused before a drill starts. */
public class ManifestRefusedException extends InvalidManifestException {

    public ManifestRefusedException(String message) {
        super(message);
    }
}
