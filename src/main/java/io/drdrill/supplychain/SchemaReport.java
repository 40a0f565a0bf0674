package io.drdrill.supplychain;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What checking an SBOM against the rules of its format found.
 *
 * @param checkedAgainst what the document was checked against, e.g. {@code CycloneDX 1.5 schema}
 * @param structuralOnly true when no JSON schema was applied, only a structural check
 * @param errors         the problems found, each with the location in the document; empty when it passed
 */
record SchemaReport(String checkedAgainst, boolean structuralOnly, List<String> errors) {

    /** How many errors a failure message lists. */
    static final int SHOWN = 5;
    private static final int MAX_ERROR_LENGTH = 240;

    SchemaReport {
        errors = List.copyOf(errors);
    }

    static SchemaReport schema(String schema, List<String> errors) {
        return new SchemaReport(schema, false, errors);
    }

    static SchemaReport structural(String check, List<String> errors) {
        return new SchemaReport(check, true, errors);
    }

    boolean passed() {
        return errors.isEmpty();
    }

    /** The {@code sbom_schema} fact. */
    String description() {
        return structuralOnly ? checkedAgainst : "validated against " + checkedAgainst;
    }

    /** The first {@value #SHOWN} errors, each cut to a readable length, and how many more there are. */
    String summary() {
        String shown = errors.stream().limit(SHOWN).map(SchemaReport::shorten).collect(Collectors.joining("; "));
        int more = errors.size() - SHOWN;
        return more > 0 ? shown + " (and " + more + " more)" : shown;
    }

    private static String shorten(String error) {
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }
}
