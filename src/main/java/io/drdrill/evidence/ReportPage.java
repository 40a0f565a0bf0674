package io.drdrill.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.step.Words;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html} beside the report: the drill as people read it — verdict, a bar per step on one time
 * line (the failed one red), RTO and RPO against their limits, the digests checked, what the SBOM and provenance
 * checks found, and who reviewed or approved it. Rendered from the report and the events alone, so it always
 * says what {@code dr-report.json} says. Self-contained: inline styles, no scripts, nothing fetched
 * (its own Content-Security-Policy forbids it), every value HTML-escaped.
 */
public final class ReportPage {

    public static final String FILE = "report.html";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;margin:2em auto;\
            max-width:1000px;padding:0 1em}
            h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.1em;margin:1.6em 0 .5em;border-bottom:1px solid #dde3ea}
            .badge{display:inline-block;padding:.15em .6em;border-radius:.3em;color:#fff;font-weight:600}
            .passed{background:#2e7d32}.failed,.policy_violation{background:#c62828}.invalid{background:#ef6c00}
            .running{background:#1565c0}
            .error{background:#fdecea;border-left:4px solid #c62828;padding:.6em .9em;white-space:pre-wrap}
            table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3em .5em;\
            border-bottom:1px solid #eef1f4;vertical-align:top}th{width:30%;font-weight:600}
            code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
            .track{position:relative;height:18px;background:#f1f4f7;border-radius:3px;min-width:300px}
            .bar{position:absolute;top:2px;height:14px;border-radius:2px;min-width:3px}
            .bar.success{background:#2e7d32}.bar.failure{background:#c62828}.bar.skipped{background:#b0bec5}
            tr.check td:first-child{padding-left:1.5em;color:#48525c}
            .gauge{height:12px;background:#f1f4f7;border-radius:3px;position:relative;max-width:420px}
            .gauge span{position:absolute;left:0;top:0;height:12px;border-radius:3px;background:#2e7d32}
            .gauge span.over{background:#c62828}
            footer{margin-top:2em;color:#66707a;font-size:12px}
            """;

    private ReportPage() {
    }

    /** Writes {@code report.html} for the report at {@code report} (and its events file) into {@code dir}. */
    public static void writeFor(Path report, Path dir) {
        try {
            JsonNode json = JSON.readTree(report.toFile());
            List<JsonNode> events = new ArrayList<>();
            Path eventsFile = Path.of(json.path("evidence").path("events").asText(
                    report.resolveSibling(EvidencePaths.EVENTS_FILE).toString()));
            if (Files.isRegularFile(eventsFile, LinkOption.NOFOLLOW_LINKS)) {
                for (String line : Files.readAllLines(eventsFile, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        events.add(JSON.readTree(line));
                    }
                }
            }
            write(dir.resolve(FILE), render(json, events));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, String html) {
        try {
            AtomicFiles.write(file, out -> out.write(html.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write evidence " + file + ": " + e.getMessage(), e);
        }
    }

    /** The page for one report and its step events (each as the events file has it). */
    public static String render(JsonNode report, List<JsonNode> events) {
        String status = report.path("status").asText("unknown");
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>DR drill ").append(esc(report.path("run_id").asText())).append(" – ")
                .append(esc(statusWords(status))).append("</title><style>").append(STYLE).append("</style></head><body>");
        html.append("<p><span class=\"badge ").append(cssClass(status)).append("\" id=\"status\">")
                .append(esc(statusWords(status))).append("</span></p>");
        html.append("<h1>DR drill <code>").append(esc(report.path("run_id").asText())).append("</code></h1>");
        html.append("<table id=\"summary\">");
        row(html, "Manifest", code(report.path("manifest").asText("—")));
        row(html, "Started", esc(report.path("started_at").asText("—")));
        row(html, "Ended", esc(report.path("ended_at").asText("—")));
        row(html, "Backup captured", esc(report.path("backup_captured_at").asText("—")));
        html.append("</table>");
        if (!report.path("failed_stage").isNull() && !report.path("failed_stage").isMissingNode()) {
            html.append("<h2>What failed</h2><div class=\"error\" id=\"error\"><strong>")
                    .append(esc(Words.step(report.path("failed_stage").asText()))).append("</strong>: ")
                    .append(esc(report.path("error").path("message").asText(""))).append("</div>");
        }
        objectives(html, report);
        timeline(html, report, events);
        findings(html, report.path("notes"));
        people(html, report);
        html.append("<footer>Rendered from <code>dr-report.json</code> (schema ")
                .append(esc(report.path("schema").asText())).append(") and <code>")
                .append(esc(EvidencePaths.EVENTS_FILE)).append("</code>; those files are the record.</footer>")
                .append("</body></html>\n");
        return html.toString();
    }

    private static void objectives(StringBuilder html, JsonNode report) {
        JsonNode metrics = report.path("metrics");
        JsonNode policy = report.path("notes").path("policy");
        html.append("<h2>Recovery objectives</h2><table id=\"objectives\">");
        Double rto = number(metrics.path("rto_seconds"));
        Double rtoLimit = number(policy.path("max_rto_seconds"));
        Double rpo = number(metrics.path("rpo_minutes"));
        Double rpoLimit = number(policy.path("max_rpo_minutes"));
        row(html, "RTO (restore time)", esc(Words.durationWithLimit(rto, rtoLimit)) + gauge(rto, rtoLimit));
        row(html, "RPO (age of the backup)", esc(Words.minutesWithLimit(rpo, rpoLimit)) + gauge(rpo, rpoLimit));
        html.append("</table>");
    }

    private static String gauge(Double value, Double limit) {
        if (value == null || limit == null || limit <= 0) {
            return "";
        }
        double share = Math.min(1.0, value / limit);
        return "<div class=\"gauge\" title=\"" + Math.round(value / limit * 100) + "% of the limit\"><span class=\""
                + (value > limit ? "over" : "") + "\" style=\"width:" + String.format(java.util.Locale.ROOT, "%.1f",
                Math.max(share * 100, 1)) + "%\"></span></div>";
    }

    private static void timeline(StringBuilder html, JsonNode report, List<JsonNode> events) {
        html.append("<h2>Steps</h2>");
        if (events.isEmpty()) {
            html.append("<p>No step ran.</p>");
            return;
        }
        Instant start = instant(report.path("started_at").asText(null));
        Instant end = instant(report.path("ended_at").asText(null));
        for (JsonNode event : events) {
            Instant s = instant(event.path("started_at").asText(null));
            Instant e = instant(event.path("ended_at").asText(null));
            start = start == null || (s != null && s.isBefore(start)) ? s : start;
            end = end == null || (e != null && e.isAfter(end)) ? e : end;
        }
        double total = start == null || end == null ? 0 : Math.max(1e-3, Duration.between(start, end).toNanos() / 1e9);
        html.append("<table id=\"timeline\"><tr><th>Step</th><th>Duration</th><th>Time line</th></tr>");
        for (JsonNode event : events) {
            Instant s = instant(event.path("started_at").asText(null));
            Instant e = instant(event.path("ended_at").asText(null));
            double seconds = s == null || e == null ? 0 : Duration.between(s, e).toNanos() / 1e9;
            double left = s == null || start == null || total == 0 ? 0 : Duration.between(start, s).toNanos() / 1e9 / total;
            String result = switch (event.path("status").asText()) {
                case "success" -> "success";
                case "skipped" -> "skipped";
                default -> "failure";
            };
            boolean check = event.hasNonNull("check");
            String label = check ? "↳ check " + event.path("check").asText() + " (" + event.path("check_type").asText()
                    + ")" : Words.step(event.path("step").asText());
            html.append("<tr class=\"").append(check ? "check " : "step ").append(result).append("\" data-step=\"")
                    .append(esc(event.path("step").asText())).append(check ? "\" data-check=\""
                            + esc(event.path("check").asText()) : "").append("\"><td>")
                    .append(esc(label)).append(switch (result) {
                        case "failure" -> " <strong>(failed)</strong>";
                        case "skipped" -> " (not run)";
                        default -> "";
                    }).append("</td><td>")
                    .append(esc(Words.duration(seconds))).append("</td><td><div class=\"track\"><div class=\"bar ")
                    .append(result).append("\" style=\"left:").append(percent(left)).append(";width:")
                    .append(percent(total == 0 ? 0 : seconds / total)).append("\" title=\"")
                    .append(esc(event.path("notes").asText(""))).append("\"></div></div></td></tr>");
        }
        html.append("</table>");
    }

    private static void findings(StringBuilder html, JsonNode notes) {
        html.append("<h2>Digests checked</h2><table id=\"digests\">");
        int rows = 0;
        for (String key : List.of("backup_sha256", "restored_sha256")) {
            if (notes.has(key)) {
                row(html, key.startsWith("backup") ? "Backup (manifest, streamed)" : "Restored copy",
                        code(notes.path(key).asText()));
                rows++;
            }
        }
        notRecorded(html, rows);
        html.append("</table><h2>SBOM and provenance</h2><table id=\"supply-chain\">");
        rows = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = notes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> note = it.next();
            if (note.getKey().startsWith("sbom_") || note.getKey().startsWith("provenance_")) {
                row(html, esc(note.getKey()), note.getValue().isValueNode() ? esc(note.getValue().asText())
                        : code(note.getValue().toString()));
                rows++;
            }
        }
        notRecorded(html, rows);
        html.append("</table>");
    }

    private static void notRecorded(StringBuilder html, int rows) {
        if (rows == 0) {
            html.append("<tr><td>Nothing recorded: the drill stopped before these checks.</td></tr>");
        }
    }

    private static void people(StringBuilder html, JsonNode report) {
        JsonNode review = report.path("review");
        JsonNode signoff = report.path("release_signoff");
        if (review.isMissingNode() && signoff.isMissingNode()) {
            return;
        }
        html.append("<h2>Review and sign-off</h2><table id=\"people\">");
        if (!review.isMissingNode()) {
            row(html, "Reviewed by", esc(review.path("reviewer").asText()) + " (" + esc(review.path("decision").asText())
                    + ", " + esc(review.path("reviewed_at").asText()) + "; <code>" + esc(review.path("file").asText())
                    + "</code>)");
        }
        if (!signoff.isMissingNode()) {
            row(html, "Release " + esc(signoff.path("decision").asText()) + " by",
                    esc(signoff.path("approver").asText()) + " (" + esc(signoff.path("decided_at").asText())
                            + "; <code>" + esc(signoff.path("file").asText()) + "</code>)");
        }
        html.append("</table>");
    }

    private static void row(StringBuilder html, String label, String valueHtml) {
        html.append("<tr><th>").append(label).append("</th><td>").append(valueHtml).append("</td></tr>");
    }

    private static String code(String text) {
        return "<code>" + esc(text) + "</code>";
    }

    private static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", Math.max(0, Math.min(1, share)) * 100);
    }

    private static Double number(JsonNode node) {
        return EvidenceHistory.number(node);
    }

    private static Instant instant(String text) {
        return EvidenceHistory.instant(text);
    }

    private static String statusWords(String status) {
        return switch (status) {
            case "passed" -> "Passed";
            case "failed" -> "Failed";
            case "policy_violation" -> "Policy violation";
            case "invalid" -> "Invalid";
            case "running" -> "Running";
            default -> status;
        };
    }

    private static String cssClass(String status) {
        return status.matches("[a-z_]+") ? status : "unknown";
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                        out.append(String.format("\\x%02x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
