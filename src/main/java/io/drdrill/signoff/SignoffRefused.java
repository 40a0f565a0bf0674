package io.drdrill.signoff;

/** A sign-off that the release rules do not allow: the message says which rule. */
public class SignoffRefused extends RuntimeException {

    /** Who may not do it (four-eyes, group), as opposed to what was filled in wrong. */
    private final boolean forbidden;

    private SignoffRefused(String message, boolean forbidden) {
        super(message);
        this.forbidden = forbidden;
    }

    static SignoffRefused forbidden(String message) {
        return new SignoffRefused(message, true);
    }

    static SignoffRefused invalid(String message) {
        return new SignoffRefused(message, false);
    }

    public boolean forbidden() {
        return forbidden;
    }
}
