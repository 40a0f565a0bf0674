package io.drdrill.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drdrill.logging.TerminalText;

/**
 * A drill whose restore no worker of its recovery site has taken: the drill waits (a worker may still come), but
 * a site whose workers are all down would otherwise hold drills silently for ever, so it is announced once the
 * wait passes {@code drdrill.restore.worker-wait-alert}.
 *
 * @param manifest          the manifest (its path, or its catalog name)
 * @param site              the site whose workers the restore waits for
 * @param waitingSince      when the restore became due (ISO-8601)
 * @param runId             the drill's run id
 * @param processInstanceId the drill's process instance
 * @param evidence          where the drill's evidence is, when known
 */
public record RestoreWaiting(String manifest, String site, String waitingSince, String runId,
                             String processInstanceId, String evidence) implements Notification {

    static final String KIND = "restore_waiting";

    @Override
    public String deliveryKind() {
        return KIND;
    }

    /** {@code DR drill WAITING: payments/manifest.json: restore waiting for a worker at site dc-b since ...}. */
    public String summary() {
        return TerminalText.escape("DR drill WAITING: " + manifest + ": restore waiting for a worker at site "
                + site + " since " + waitingSince + " | run " + runId
                + (evidence == null ? "" : " | evidence: " + evidence));
    }

    @Override
    public String json() {
        ObjectNode body = AlertJson.body(KIND, manifest);
        body.put("site", site);
        body.put("waiting_since", waitingSince);
        body.put("run_id", runId);
        body.put("process_instance_id", processInstanceId);
        body.put("evidence", evidence);
        return AlertJson.write(body, summary());
    }

    @Override
    public String mailSubject() {
        return TerminalText.escape("[dr-drill] RESTORE WAITING at site " + site + ": " + manifest);
    }

    @Override
    public String mailBody() {
        return summary() + "\n\n"
                + "Manifest: " + TerminalText.escape(manifest) + "\n"
                + "Site: " + TerminalText.escape(site) + "\n"
                + "Waiting since: " + TerminalText.escape(waitingSince) + "\n"
                + "Run: " + TerminalText.escape(runId) + "\n"
                + "Process instance: " + TerminalText.escape(processInstanceId) + "\n"
                + "Evidence: " + (evidence == null ? "n/a" : TerminalText.escape(evidence)) + "\n"
                + "The drill keeps waiting: start a worker with --site " + TerminalText.escape(site)
                + ", or let this server's own worker serve the site (drdrill.restore.in-process-site).\n";
    }
}
