package io.drdrill.supplychain;

import io.drdrill.step.Text;
import io.drdrill.step.StepResult;
import io.drdrill.supplychain.TrustedKeys.TrustedKey;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notes and facts of a passed {@code validate_provenance}. Facts are kept compact (the step's record is stored
 * in a 4000-character variable): at most {@value #LISTED_SIGNATURES} signatures, long texts shortened.
 */
final class ProvenanceReport {

    static final int LISTED_SIGNATURES = 10;

    static final String VERIFIED = "verified";
    static final String NOT_REQUIRED = "not verified (signature not required)";
    static final String NOT_CHECKED = "not checked (no trusted keys)";

    private ProvenanceReport() {
    }

    /**
     * @param rejectedBefore records before the match that named the backup but broke a rule
     */
    static StepResult outcome(int records, ProvenanceCheck.Candidate match, List<TrustedKey> keys,
                               int rejectedBefore) {
        Optional<EnvelopeSignatures.Result> signed = match.verified();
        String status = signed.isPresent() ? VERIFIED : keys.isEmpty() ? NOT_CHECKED : NOT_REQUIRED;
        SlsaPredicate predicate = match.predicate();

        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("provenance_records", records);
        facts.put("provenance_matched_record", match.record().index());
        facts.put("provenance_container", match.record().container());
        facts.put("provenance_statement_type", match.statement().type());
        facts.put("provenance_predicate_type", Text.middle(predicate.predicateType(), 120));
        facts.put("provenance_builder_id", Text.middle(predicate.builderId(), 200));
        facts.put("provenance_signature_status", status);
        facts.put("provenance_signature_count", match.signatures().size());
        facts.put("provenance_signatures", match.signatures().stream().limit(LISTED_SIGNATURES)
                .map(EnvelopeSignatures::fact).toList());

        StringBuilder notes = new StringBuilder()
                .append(records).append(" record(s); record ").append(match.record().index())
                .append(" names the backup digest (").append(match.record().container()).append(", ")
                .append(Text.middle(predicate.describe(), 120)).append("); ");
        if (signed.isPresent()) {
            notes.append("signed by trusted key ").append(signed.get().key().label());
        } else {
            notes.append(keys.isEmpty() ? "signatures not checked (no trusted keys)"
                    : "not signed by a trusted key (signature not required)");
            if (match.record().keyless()) {
                notes.append("; the bundle's keyless Sigstore certificate is not verified");
            }
        }
        if (!predicate.builderId().isEmpty()) {
            notes.append("; builder ").append(Text.middle(predicate.builderId(), 200));
        }
        if (rejectedBefore > 0) {
            notes.append("; ").append(rejectedBefore).append(" earlier record(s) naming the backup were rejected");
        }
        return new StepResult(notes.toString(), facts);
    }
}
