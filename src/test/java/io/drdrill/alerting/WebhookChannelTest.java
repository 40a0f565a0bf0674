package io.drdrill.alerting;

import com.sun.net.httpserver.HttpServer;
import io.drdrill.alerts.Alert;
import io.drdrill.alerts.AlertNotDelivered;
import io.drdrill.alerts.DrillOutcome;
import io.drdrill.evidence.DrillStatus;
import io.drdrill.testsupport.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook sender against real local HTTP servers, and the start-up checks of the alert settings. */
class WebhookChannelTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Alert ALERT = Alert.decide(new DrillOutcome("m.json", DrillStatus.FAILED,
            Optional.of("restore_artifact"), Optional.of("exit 7"), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), "drill-1", "pi-1", Optional.empty()), Optional.empty()).orElseThrow();

    @Test
    void onlyA2xxAnswerCountsAsDelivered() {
        // Given a receiver that answers 200, then 302, then 404
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(200, 302, 404);
            WebhookChannel channel = channel(receiver.url("/hook/token-in-path"), Duration.ofSeconds(5));

            // When the alert is sent three times
            channel.send(ALERT);

            // Then the first is delivered, a redirect and a 404 are failures that never show the URL's path
            assertThatThrownBy(() -> channel.send(ALERT)).isInstanceOf(AlertNotDelivered.class)
                    .hasMessage("webhook[0] (127.0.0.1): HTTP 302");
            assertThatThrownBy(() -> channel.send(ALERT)).hasMessage("webhook[0] (127.0.0.1): HTTP 404")
                    .message().doesNotContain("token-in-path");
            assertThat(receiver.requests()).hasSize(3);
        }
    }

    @Test
    void aReceiverThatNeverAnswersFailsAtTheRequestTimeout() throws Exception {
        // Given a receiver that accepts the request and never answers
        CountDownLatch release = new CountDownLatch(1);
        HttpServer silent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        silent.createContext("/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        silent.start();
        try {
            WebhookChannel channel = channel("http://127.0.0.1:" + silent.getAddress().getPort() + "/",
                    Duration.ofSeconds(1));

            // When the alert is sent
            // Then it fails with a timeout, not a hang
            assertThatThrownBy(() -> channel.send(ALERT)).isInstanceOf(AlertNotDelivered.class)
                    .hasMessage("webhook[0] (127.0.0.1): no answer within 1 s");
        } finally {
            release.countDown();
            silent.stop(0);
        }
    }

    @Test
    void aReceiverThatIsNotListeningIsAFailureNamingTheConnection() throws Exception {
        // Given a port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        // When the alert is sent there
        // Then it is not delivered
        assertThatThrownBy(() -> channel("http://127.0.0.1:" + port + "/", Duration.ofSeconds(5)).send(ALERT))
                .isInstanceOf(AlertNotDelivered.class).hasMessageStartingWith("webhook[0] (127.0.0.1): cannot connect");
    }

    @Test
    void settingsThatCannotWorkStopTheStartWithOneLine() {
        // Given settings with a bad URL, a restricted header, and mail recipients without an SMTP server
        AlertSettings badUrl = settings(List.of(new AlertSettings.Webhook(URI.create("ftp://x/"), Map.of())),
                new AlertSettings.Mail(List.of(), null));
        AlertSettings badHeader = settings(List.of(new AlertSettings.Webhook(URI.create("https://x/"),
                Map.of("Host", "y"))), new AlertSettings.Mail(List.of(), null));
        AlertSettings noSmtp = settings(List.of(), new AlertSettings.Mail(List.of("a@example.com"), "b@example.com"));
        AlertSettings noFrom = settings(List.of(), new AlertSettings.Mail(List.of("a@example.com"), null));

        // When the channels are built
        // Then each is refused, naming the setting
        assertThatThrownBy(() -> AlertConfiguration.channels(badUrl, null, null))
                .hasMessage("drdrill.alerts.webhooks[0].url must be an absolute http(s) URL with a host");
        assertThatThrownBy(() -> AlertConfiguration.channels(badHeader, null, null))
                .hasMessageStartingWith("drdrill.alerts.webhooks[0].headers: ");
        assertThatThrownBy(() -> AlertConfiguration.channels(noSmtp, null, null))
                .hasMessageStartingWith("drdrill.alerts.mail.to is set but spring.mail.host is not");
        assertThatThrownBy(() -> AlertConfiguration.channels(noFrom, null, null))
                .hasMessage("drdrill.alerts.mail.from is required with drdrill.alerts.mail.to");
        assertThat(AlertConfiguration.channels(settings(List.of(), new AlertSettings.Mail(null, null)), null, null))
                .as("nothing configured, nothing to send").isEmpty();
    }

    @Test
    void theEvidenceLinkIsTheReportsUrlBelowThePublishedEvidenceFolderOrElseItsPath() {
        // Given evidence published at a base URL
        EvidenceLinks links = new EvidenceLinks(URI.create("https://evidence.example/dr"), java.nio.file.Path.of("/srv/ev"));

        // When reports inside and outside the evidence folder are linked
        // Then the inside one becomes a URL, the outside one stays a path
        assertThat(links.of(Optional.of(java.nio.file.Path.of("/srv/ev/drill 1/dr-report.json"))))
                .hasValue("https://evidence.example/dr/drill%201/dr-report.json");
        assertThat(links.of(Optional.of(java.nio.file.Path.of("/tmp/dr-report.json")))).hasValue("/tmp/dr-report.json");
    }

    private static AlertSettings settings(List<AlertSettings.Webhook> webhooks, AlertSettings.Mail mail) {
        return new AlertSettings(webhooks, mail, null, null, null, null);
    }

    private static WebhookChannel channel(String url, Duration timeout) {
        return new WebhookChannel(0, URI.create(url), Map.of(), CLIENT, timeout);
    }
}
