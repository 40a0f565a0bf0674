package io.drdrill.manifest;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Only instants the policy gate can compute an age with are accepted, each refusal naming its field. */
class InstantsTest {

    @Test
    void anInstantWithoutAnOffsetIsUtc() {
        // Given a time without an offset
        // When it is read
        // Then it is taken as UTC
        assertThat(Instants.require("2026-11-20T06:00:00", "x")).isEqualTo(Instant.parse("2026-11-20T06:00:00Z"));
    }

    @Test
    void theFirstAndLastAcceptedInstantsAreYearOneAndYear9999() {
        // Given the edges of the accepted range
        // When they are read
        // Then both are accepted
        assertThat(Instants.require("0001-01-01T00:00:00Z", "x")).isEqualTo(Instants.EARLIEST);
        assertThat(Instants.require("9999-12-31T23:59:59Z", "x")).isEqualTo(Instants.LATEST);
    }

    @Test
    void instantsBeyondTheRangeAreRefusedNamingTheField() {
        // Given instants Java can parse but whose age in milliseconds overflows a long
        // When they are read
        // Then each is refused with the field named
        assertThatThrownBy(() -> Instants.require("-999999999-01-01T00:00:00Z", "manifest field backup.captured_at"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageStartingWith("manifest field backup.captured_at: must lie between 0001-01-01T00:00:00Z");
        assertThatThrownBy(() -> Instants.require("+999999999-12-31T23:59:59Z", "--current-time"))
                .isInstanceOf(InvalidManifestException.class).hasMessageStartingWith("--current-time: must lie between");
        assertThatThrownBy(() -> Instants.require("10000-01-01T00:00:00Z", "--current-time"))
                .isInstanceOf(InvalidManifestException.class);
    }

    @Test
    void textThatIsNoDateTimeIsRefusedWithAnExample() {
        // Given a word
        // When it is read
        // Then the message shows an example and the value
        assertThatThrownBy(() -> Instants.require("noon", "--current-time"))
                .hasMessage("--current-time: expected an ISO-8601 date-time such as 2026-01-31T23:00:00Z, got 'noon'");
    }
}
