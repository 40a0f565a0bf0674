package io.drdrill.signoff;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Four-eyes release sign-off: only a member of {@value #APPROVERS_GROUP} who did not request the release may
 * decide, and a rejection must say why.
 */
public final class SignoffRules {

    public static final String APPROVERS_GROUP = "release-approvers";
    public static final int MAX_REASON_CHARS = 2000;
    /** Release names and versions go into task names and the business key (255-character columns). */
    public static final int MAX_RELEASE_FIELD_CHARS = 100;

    private SignoffRules() {
    }

    /** Claiming or assigning the approval to the requester is refused too, not only completing it. */
    public static void checkAssignee(String assignee, String requester) {
        if (assignee != null && assignee.equals(requester)) {
            throw SignoffRefused.forbidden("four-eyes rule: " + assignee
                    + " requested this release and cannot be assigned its approval");
        }
    }

    public static SignoffDecision decide(String approver, boolean approverIsInGroup, String requester,
                                         Object decision, Object reason, Instant now) {
        if (approver == null || approver.isBlank()) {
            throw SignoffRefused.forbidden("a release can only be decided by an authenticated user");
        }
        if (approver.equals(requester)) {
            throw SignoffRefused.forbidden("four-eyes rule: " + approver
                    + " requested this release and cannot approve or reject it");
        }
        if (!approverIsInGroup) {
            throw SignoffRefused.forbidden(approver + " is not in the group " + APPROVERS_GROUP);
        }
        SignoffDecision.Decision chosen = Arrays.stream(SignoffDecision.Decision.values())
                .filter(d -> d.id().equals(Objects.toString(decision, "")))
                .findFirst()
                .orElseThrow(() -> SignoffRefused.invalid("decision must be 'approve' or 'reject', got '"
                        + Objects.toString(decision, "") + "'"));
        String why = reason == null ? "" : reason.toString().strip();
        if (chosen == SignoffDecision.Decision.REJECT && why.isEmpty()) {
            throw SignoffRefused.invalid("a rejection needs a reason");
        }
        if (why.length() > MAX_REASON_CHARS) {
            throw SignoffRefused.invalid("the reason is longer than " + MAX_REASON_CHARS + " characters");
        }
        return new SignoffDecision(approver, chosen, why.isEmpty() ? null : why, now);
    }

    /**
     * What is being released, "shop 2.4.1": a sign-off for an unnamed release proves nothing about any release.
     * Both parts are required, one line each, without control or bidirectional-override characters.
     */
    public static String releaseTitle(Object name, Object version) {
        return releaseField("releaseName", name) + " " + releaseField("releaseVersion", version);
    }

    private static String releaseField(String field, Object value) {
        String text = value == null ? "" : value.toString().strip();
        if (text.isEmpty()) {
            throw SignoffRefused.invalid(field + " is required: name the release and its version");
        }
        if (text.length() > MAX_RELEASE_FIELD_CHARS) {
            throw SignoffRefused.invalid(field + " is longer than " + MAX_RELEASE_FIELD_CHARS + " characters");
        }
        if (text.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR)) {
            throw SignoffRefused.invalid(field + " must be one line of visible characters");
        }
        return text;
    }
}
