package io.drdrill.manifest;

import io.drdrill.step.Text;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The instants a drill accepts ({@code backup.captured_at}, {@code --current-time}): ISO-8601, UTC without an
 * offset, and within years 1–9999 so that the policy gate can always compute an age in milliseconds (an age
 * between year -999999999 and now does not fit in a long and must be an invalid input, not a crash).
 */
public final class Instants {

    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Instants() {
    }

    /** @return the instant, or empty when {@code value} is not an ISO-8601 date-time at all */
    static Optional<Instant> parse(String value) {
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException withOffset) {
            try {
                return Optional.of(LocalDateTime.parse(value).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException withoutOffset) {
                return Optional.empty();
            }
        }
    }

    /**
     * @param what how the message names the value, e.g. {@code manifest field backup.captured_at}
     * @throws InvalidManifestException naming {@code what} when the value is not an accepted instant
     */
    public static Instant require(String value, String what) {
        Instant instant = parse(value).orElseThrow(() -> new InvalidManifestException(what
                + ": expected an ISO-8601 date-time such as 2026-01-31T23:00:00Z, got '" + Text.shorten(value, 80) + "'"));
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new InvalidManifestException(what + ": must lie between " + EARLIEST + " and " + LATEST
                    + ", got '" + Text.shorten(value, 80) + "'");
        }
        return instant;
    }

}
