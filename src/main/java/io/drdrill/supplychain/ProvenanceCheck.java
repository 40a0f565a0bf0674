package io.drdrill.supplychain;

import io.drdrill.step.DrDrillError;
import io.drdrill.step.StepResult;
import io.drdrill.manifest.Manifest;
import io.drdrill.supplychain.TrustedKeys.TrustedKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code validate_provenance}: the provenance file holds records ({@link ProvenanceRecords}: DSSE envelopes or
 * Sigstore bundles) whose payloads are in-toto Statements, and one record
 * <ol>
 *   <li>names the backup's SHA-256 as a subject,</li>
 *   <li>when {@code trusted_keys} are given, carries a signature over the DSSE PAE by one of them (required unless
 *       {@code require_signature} is false; then signatures are checked and reported only),</li>
 *   <li>has an allowed {@code predicateType} and an expected SLSA builder id (when the manifest restricts them).</li>
 * </ol>
 * The first record meeting all three is the match. Records naming the backup but failing 2 or 3 are reported.
 */
public final class ProvenanceCheck {

    /**
     * A provenance file is read whole: 4 MiB is room for a few hundred Sigstore bundles or envelopes (the largest
     * real-world one in the tests, a Sigstore bundle with its certificate, is 23 KB).
     */
    static final long MAX_PROVENANCE_BYTES = 4L << 20;
    private static final int LISTED_REASONS = 5;
    /** Records naming the backup that are checked before giving up (bounds the work a hostile file can cause). */
    static final int MAX_CANDIDATES = 32;

    /** A record that names the backup, with everything the rules look at. */
    record Candidate(ProvenanceRecords.Record record, InTotoStatement statement, SlsaPredicate predicate,
                     List<EnvelopeSignatures.Result> signatures) {

        Optional<EnvelopeSignatures.Result> verified() {
            return signatures.stream().filter(EnvelopeSignatures.Result::verified).findFirst();
        }
    }

    public StepResult verify(Manifest.Provenance settings, String backupSha256) {
        if (settings.requireSignature() && settings.trustedKeys().isEmpty()) {
            throw new DrDrillError("provenance.require_signature is true but provenance.trusted_keys names no key");
        }
        List<TrustedKey> keys = TrustedKeys.load(settings.trustedKeys());
        Path file = settings.path();
        List<ProvenanceRecords.Record> records = ProvenanceRecords.read(
                JsonFiles.read(file, "provenance", MAX_PROVENANCE_BYTES), file);
        if (records.isEmpty()) {
            throw new DrDrillError("provenance " + file.getFileName() + " holds no DSSE envelope");
        }
        List<String> unmatched = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (ProvenanceRecords.Record record : records) {
            Candidate candidate;
            try {
                candidate = candidate(record, backupSha256, keys);
            } catch (DrDrillError notAMatch) {
                unmatched.add("record " + record.index() + ": " + notAMatch.getMessage());
                continue;
            }
            Optional<String> problem = problem(candidate, settings, keys);
            if (problem.isEmpty()) {
                return ProvenanceReport.outcome(records.size(), candidate, keys, rejected.size());
            }
            rejected.add("record " + record.index() + " names the backup but " + problem.get());
            if (rejected.size() == MAX_CANDIDATES) {
                break;
            }
        }
        if (!rejected.isEmpty()) {
            throw new DrDrillError("no trusted provenance for digest sha256:" + backupSha256 + ": "
                    + list(rejected) + " (" + records.size() + " record(s) read"
                    + (rejected.size() == MAX_CANDIDATES ? "; stopped after " + MAX_CANDIDATES
                    + " records naming the backup were rejected" : "") + ")");
        }
        throw new DrDrillError("no provenance envelope matched digest sha256:" + backupSha256 + " ("
                + records.size() + " record(s) read; " + list(unmatched) + ")");
    }

    /** Unsigned provenance, no builder or predicate restrictions. */
    public StepResult verify(Path provenance, String backupSha256) {
        return verify(new Manifest.Provenance(provenance), backupSha256);
    }

    /** The record as a candidate, or a {@link DrDrillError} saying why it does not name the backup. */
    private static Candidate candidate(ProvenanceRecords.Record record, String backupSha256, List<TrustedKey> keys) {
        if (record.problem() != null) {
            throw new DrDrillError(record.problem());
        }
        DsseEnvelope envelope = DsseEnvelope.parse(record.envelope());
        InTotoStatement statement = InTotoStatement.of(envelope);
        if (!statement.namesDigest(backupSha256)) {
            throw new DrDrillError("no subject with sha256:" + backupSha256);
        }
        return new Candidate(record, statement, SlsaPredicate.of(statement),
                EnvelopeSignatures.check(envelope, keys));
    }

    /** Why a record naming the backup is not acceptable: first its signature, then its predicate's claims. */
    private static Optional<String> problem(Candidate candidate, Manifest.Provenance settings,
                                            List<TrustedKey> keys) {
        if (settings.requireSignature() && candidate.verified().isEmpty()) {
            if (candidate.signatures().isEmpty()) {
                return Optional.of("the envelope is unsigned (a signature by a trusted key is required)");
            }
            return Optional.of("is not signed by a trusted key: " + candidate.signatures().stream()
                    .limit(LISTED_REASONS)
                    .map(s -> s.describe() + ": " + s.reason() + (EnvelopeSignatures.NOT_VERIFIED.equals(s.reason())
                            ? " (" + EnvelopeSignatures.fingerprints(keys) + ")" : ""))
                    .collect(Collectors.joining("; "))
                    + (candidate.signatures().size() > LISTED_REASONS ? "; …" : ""));
        }
        return candidate.predicate().problem(settings.allowedPredicateTypes(), settings.expectedBuilderIds());
    }

    private static String list(List<String> reasons) {
        return String.join("; ", reasons.subList(0, Math.min(LISTED_REASONS, reasons.size())))
                + (reasons.size() > LISTED_REASONS ? "; ..." : "");
    }
}
