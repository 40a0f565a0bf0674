package io.drdrill.supplychain;

import io.drdrill.step.Text;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the drill reads from a Statement's predicate: the SLSA provenance version and the builder id
 * ({@code predicate.runDetails.builder.id} in v1, {@code predicate.builder.id} in v0.1 and v0.2).
 *
 * @param slsaVersion "v0.1", "v0.2" or "v1"; empty when the predicate is not SLSA provenance
 * @param builderId   empty when the predicate names none
 */
record SlsaPredicate(String predicateType, String slsaVersion, String builderId) {

    static final Map<String, String> SLSA_VERSIONS = Map.of(
            "https://slsa.dev/provenance/v0.1", "v0.1",
            "https://slsa.dev/provenance/v0.2", "v0.2",
            "https://slsa.dev/provenance/v1", "v1");

    static SlsaPredicate of(InTotoStatement statement) {
        String version = SLSA_VERSIONS.getOrDefault(statement.predicateType(), "");
        JsonNode builder = "v1".equals(version)
                ? statement.predicate().path("runDetails").path("builder")
                : statement.predicate().path("builder");
        String builderId = !version.isEmpty() && builder.path("id").isTextual() ? builder.get("id").asText() : "";
        return new SlsaPredicate(statement.predicateType(), version, builderId);
    }

    /** Why the predicate breaks the manifest's rules (empty lists allow anything), or empty. */
    Optional<String> problem(List<String> allowedPredicateTypes, List<String> expectedBuilderIds) {
        if (!allowedPredicateTypes.isEmpty() && !allowedPredicateTypes.contains(predicateType)) {
            return Optional.of("its predicateType '" + Text.middle(predicateType, 200)
                    + "' is not one of the allowed_predicate_types "
                    + allowedPredicateTypes);
        }
        if (expectedBuilderIds.isEmpty() || expectedBuilderIds.contains(builderId)) {
            return Optional.empty();
        }
        if (slsaVersion.isEmpty()) {
            return Optional.of("its predicateType '" + Text.middle(predicateType, 200)
                    + "' is not SLSA provenance, so it names no "
                    + "builder id (expected_builder_ids " + expectedBuilderIds + ")");
        }
        if (builderId.isEmpty()) {
            return Optional.of("its SLSA provenance " + slsaVersion + " names no builder id (expected_builder_ids "
                    + expectedBuilderIds + ")");
        }
        return Optional.of("its builder id '" + Text.middle(builderId, 200)
                + "' is not one of the expected_builder_ids " + expectedBuilderIds);
    }

    /** "SLSA provenance v1", or the predicate type when it is something else. */
    String describe() {
        return slsaVersion.isEmpty() ? predicateType : "SLSA provenance " + slsaVersion;
    }
}
