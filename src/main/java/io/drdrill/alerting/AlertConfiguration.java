package io.drdrill.alerting;

import io.drdrill.alerts.AlertChannel;
import io.drdrill.alerts.AlertDispatch;
import io.drdrill.process.DrDrillProcess;
import io.drdrill.process.DrillSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.mail.javamail.JavaMailSender;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the alert channels from {@code drdrill.alerts.*} and checks them at start, so that a mistyped URL or a
 * mail setting without an SMTP server stops the application with one line instead of losing alerts later.
 */
@Configuration
@EnableConfigurationProperties(AlertSettings.class)
public class AlertConfiguration {

    @Bean
    AlertDispatch alertDispatch(AlertSettings settings, ObjectProvider<JavaMailSender> mailSender, Environment env) {
        return new AlertDispatch(channels(settings, mailSender.getIfAvailable(), env.getProperty("spring.mail.host")),
                Clock.systemUTC());
    }

    @Bean(DrDrillProcess.Delegates.SEND_ALERT)
    SendAlertDelegate sendAlertDelegate(AlertDispatch dispatch, AlertSettings settings, DrillSettings drill) {
        return new SendAlertDelegate(dispatch, new EvidenceLinks(settings.evidenceBaseUrl(), drill.evidenceDir()));
    }

    @Bean(DrDrillProcess.Delegates.RESTORE_WAITING_ALERT)
    RestoreWaitingAlertDelegate restoreWaitingAlertDelegate(AlertDispatch dispatch, AlertSettings settings,
                                                            DrillSettings drill) {
        return new RestoreWaitingAlertDelegate(dispatch, new EvidenceLinks(settings.evidenceBaseUrl(), drill.evidenceDir()));
    }

    static List<AlertChannel> channels(AlertSettings settings, JavaMailSender mailSender, String mailHost) {
        requirePositive("drdrill.alerts.connect-timeout", settings.connectTimeout());
        requirePositive("drdrill.alerts.request-timeout", settings.requestTimeout());
        if (settings.headlessAttempts() < 1) {
            throw new IllegalStateException("drdrill.alerts.headless-attempts must be at least 1");
        }
        if (settings.evidenceBaseUrl() != null) {
            requireHttpUrl("drdrill.alerts.evidence-base-url", settings.evidenceBaseUrl());
        }
        List<AlertChannel> channels = new ArrayList<>();
        HttpClient client = settings.webhooks().isEmpty() ? null : HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        for (int i = 0; i < settings.webhooks().size(); i++) {
            AlertSettings.Webhook webhook = settings.webhooks().get(i);
            String name = "drdrill.alerts.webhooks[" + i + "]";
            if (webhook.url() == null) {
                throw new IllegalStateException(name + ".url is required");
            }
            requireHttpUrl(name + ".url", webhook.url());
            WebhookChannel channel = new WebhookChannel(i, webhook.url(), webhook.headers(), client,
                    settings.requestTimeout());
            try {
                channel.request("{}");
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(name + ".headers: " + e.getMessage());
            }
            channels.add(channel);
        }
        AlertSettings.Mail mail = settings.mail();
        if (!mail.to().isEmpty()) {
            if (mail.from() == null || mail.from().isBlank()) {
                throw new IllegalStateException("drdrill.alerts.mail.from is required with drdrill.alerts.mail.to");
            }
            if (mailSender == null) {
                throw new IllegalStateException("drdrill.alerts.mail.to is set but spring.mail.host is not: "
                        + "there is no SMTP server to send alert mails to");
            }
            channels.add(new MailChannel(mailSender, mail.to(), mail.from(), mailHost == null ? "smtp" : mailHost));
        }
        return channels;
    }

    private static void requireHttpUrl(String name, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
            throw new IllegalStateException(name + " must be an absolute http(s) URL with a host");
        }
    }

    private static void requirePositive(String name, Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalStateException(name + " must be positive");
        }
    }
}
