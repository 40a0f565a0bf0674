package io.drdrill.alerting;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code drdrill.alerts.*}: where alerts go. Nothing configured means nothing is sent. Secrets (a webhook's
 * token) are given as placeholders resolved from the environment, e.g.
 * {@code drdrill.alerts.webhooks[0].headers.Authorization=Bearer ${ALERT_WEBHOOK_TOKEN}}; there are no defaults.
 *
 * @param webhooks         each receives a JSON POST
 * @param mail             recipients and sender of alert mails (SMTP through the standard {@code spring.mail.*})
 * @param evidenceBaseUrl  where {@code drdrill.evidence-dir} is published; alerts then link the report there
 * @param connectTimeout   a webhook that does not accept the connection within this time failed
 * @param requestTimeout   a webhook that does not answer within this time failed
 * @param headlessAttempts {@code bin/dr-drill run}: how often a failing alert is tried before the command gives up
 *                         on it (the verdict and exit code stay)
 */
@ConfigurationProperties("drdrill.alerts")
public record AlertSettings(List<Webhook> webhooks, Mail mail, URI evidenceBaseUrl, Duration connectTimeout,
                            Duration requestTimeout, Integer headlessAttempts) {

    /** One webhook: its URL and extra headers (an authorization header, say). */
    public record Webhook(URI url, Map<String, String> headers) {
        public Webhook {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    /** Alert mails: the recipients and the sender address. */
    public record Mail(List<String> to, String from) {
        public Mail {
            to = to == null ? List.of() : List.copyOf(to);
        }
    }

    public AlertSettings {
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        mail = mail == null ? new Mail(List.of(), null) : mail;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        headlessAttempts = headlessAttempts == null ? 3 : headlessAttempts;
    }
}
