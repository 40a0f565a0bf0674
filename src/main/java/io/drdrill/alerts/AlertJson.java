package io.drdrill.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every webhook body, whatever it announces, opens with the same schema, kind and manifest and closes with the
 * Slack-compatible {@code text}; built in one place so a drill's verdict, a missed run and a waiting restore can
 * never drift apart in how a receiver reads them.
 */
final class AlertJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertJson() {
    }

    /** A body with {@code schema}, {@code alert} and {@code manifest} set, for the caller's own facts to follow. */
    static ObjectNode body(String kind, String manifest) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", AlertMessage.SCHEMA);
        body.put("alert", kind);
        body.put("manifest", manifest);
        return body;
    }

    /** The summary with Slack's three markup characters escaped, as Slack's {@code text} field wants it. */
    static String slackText(String summary) {
        return summary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Adds the summary as Slack's {@code text} and writes the body. */
    static String write(ObjectNode body, String summary) {
        body.put("text", slackText(summary));
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert body cannot be written as JSON", e);
        }
    }
}
