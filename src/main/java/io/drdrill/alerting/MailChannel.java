package io.drdrill.alerting;

import io.drdrill.alerts.AlertChannel;
import io.drdrill.alerts.AlertNotDelivered;
import io.drdrill.alerts.Notification;
import io.drdrill.step.Text;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

import java.util.List;

/**
 * Mails alerts as plain text through Spring's {@link JavaMailSender} (SMTP as {@code spring.mail.*} says): one
 * message to all recipients, delivered when the SMTP server accepted it.
 */
public final class MailChannel implements AlertChannel {

    private final JavaMailSender sender;
    private final List<String> to;
    private final String from;
    private final String host;

    public MailChannel(JavaMailSender sender, List<String> to, String from, String host) {
        this.sender = sender;
        this.to = List.copyOf(to);
        this.from = from;
        this.host = host;
    }

    @Override
    public String id() {
        return "mail";
    }

    @Override
    public String describe() {
        return "mail (" + host + ")";
    }

    @Override
    public void send(Notification alert) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(to.toArray(String[]::new));
        message.setSubject(alert.mailSubject());
        message.setText(alert.mailBody());
        try {
            sender.send(message);
        } catch (MailException e) {
            String reason = e.getMostSpecificCause().getMessage();
            reason = reason == null ? e.getClass().getSimpleName() : reason.lines().findFirst().orElse("");
            throw new AlertNotDelivered(describe() + ": " + Text.shorten(reason.strip(), 300), e);
        }
    }
}
