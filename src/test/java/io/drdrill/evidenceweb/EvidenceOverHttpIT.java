package io.drdrill.evidenceweb;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.DrDrillApplication;
import io.drdrill.server.IdentityBootstrap;
import io.drdrill.testsupport.HttpCalls;
import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Evidence over HTTP as operators, auditors, browsers and attackers meet it: a real server on a random port, real
 * drills started over REST, real files on disk, the web apps' own login.
 */
@SpringBootTest(classes = DrDrillApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"camunda.bpm.admin-user.id=admin",
                "camunda.bpm.admin-user.password=" + EvidenceOverHttpIT.ADMIN_PASSWORD})
@ActiveProfiles("serve")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvidenceOverHttpIT {

    static final String ADMIN_PASSWORD = "evidence-it-only-7d1e0a4c";
    private static final String SECRET = "SECRET-" + UUID.randomUUID();
    private static final String RECALL = "#!/bin/sh\nset -eu\ncp \"$1\" \"$4/\"\necho 'recalled from cold storage'\n";
    private static Path root;
    private static Path evidence;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private String operator;
    private String operatorPassword;
    private String auditor;
    private String nobody;
    /** A drill nobody touches; one whose folder gets planted links; one whose run folder becomes a link. */
    private String runId;
    private String plantedRunId;
    private String linkedRunId;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) throws IOException {
        root = Files.createTempDirectory("dr-drill-evidence-it");
        TestBundle.create(root.resolve("catalog").resolve("good")).withPolicies(60.0, 600.0).withScript(RECALL)
                .withCopyBackup(false).write();
        evidence = Files.createDirectories(root.resolve("evidence"));
        Files.writeString(evidence.resolve("secret.txt"), SECRET);
        Files.writeString(root.resolve("secret.txt"), SECRET);
        registry.add("drdrill.manifests-dir", () -> root.resolve("catalog").toString());
        registry.add("drdrill.evidence-dir", evidence::toString);
        registry.add("drdrill.data-dir", () -> root.resolve("var").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:evidence-it;DB_CLOSE_DELAY=-1");
    }

    @BeforeAll
    void usersAndDrills() throws Exception {
        operatorPassword = "pw-" + UUID.randomUUID();
        operator = user("olaf", operatorPassword, IdentityBootstrap.OPERATORS);
        auditor = user("aurel", "pw-" + UUID.randomUUID(), IdentityBootstrap.AUDITORS);
        nobody = user("nina", "pw-" + UUID.randomUUID());
        user("wanda", "pw-" + UUID.randomUUID(), IdentityBootstrap.OPERATORS);
        // one after the other: drills of one manifest share its restore folder
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> start = rest("POST", "/process-definition/key/dr-drill/start", operator,
                    "{\"variables\":{\"manifest\":{\"value\":\"good/manifest.json\"}}}");
            assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
            String id = HttpCalls.json(start).path("id").asText();
            awaitCompleted(id);
            runIds.add(variable(id, "runId"));
        }
        runId = runIds.get(0);
        plantedRunId = runIds.get(1);
        linkedRunId = runIds.get(2);
        assertThat(runFolder(runId).resolve("restore").resolve("recall-stdout.log")).exists();
    }

    @Test
    void anOperatorGetsTheReportExactlyAsItIsOnDisk() throws Exception {
        // Given a finished drill and its report on disk
        byte[] onDisk = Files.readAllBytes(runFolder(runId).resolve("dr-report.json"));

        // When the operator who started it asks for the report
        HttpResponse<byte[]> report = get("/drills/" + runId + "/dr-report.json", operator, null);

        // Then it is the file's bytes, as JSON, uncacheable, sandboxed and never sniffed
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).isEqualTo(onDisk);
        assertThat(header(report, "Content-Type")).hasValue("application/json;charset=utf-8");
        assertThat(header(report, "Content-Length")).hasValue(String.valueOf(onDisk.length));
        assertThat(header(report, "X-Content-Type-Options")).hasValue("nosniff");
        assertThat(header(report, "Cache-Control")).hasValue("no-store");
        assertThat(header(report, "Content-Security-Policy"))
                .hasValue("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        assertThat(header(report, "Content-Disposition")).hasValue("inline; filename=\"dr-report.json\"");
    }

    @Test
    void theRecallLogIsServedAsTextFromTheRestoreFolder() throws Exception {
        // Given the recall script's stdout on disk
        byte[] onDisk = Files.readAllBytes(runFolder(runId).resolve("restore").resolve("recall-stdout.log"));

        // When the operator asks for it
        HttpResponse<byte[]> log = get("/drills/" + runId + "/restore/recall-stdout.log", operator, null);

        // Then it is the log, as UTF-8 text
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.body()).isEqualTo(onDisk);
        assertThat(new String(log.body(), StandardCharsets.UTF_8)).contains("recalled from cold storage");
        assertThat(header(log, "Content-Type")).hasValue("text/plain;charset=utf-8");
        assertThat(header(log, "Content-Disposition")).hasValue("inline; filename=\"recall-stdout.log\"");
    }

    @Test
    void theListingNamesEachEvidenceFileWithItsSizeAndLink() throws Exception {
        // Given a finished drill's folder
        Path folder = runFolder(runId);

        // When the operator lists it, with and without the trailing slash
        HttpResponse<byte[]> listing = get("/drills/" + runId + "/", operator, null);
        HttpResponse<byte[]> withoutSlash = get("/drills/" + runId, operator, null);

        // Then both list the report, the events, the metrics and the recall logs with their sizes and links
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(header(listing, "Content-Type")).hasValue("application/json;charset=utf-8");
        assertThat(withoutSlash.statusCode()).isEqualTo(200);
        assertThat(withoutSlash.body()).isEqualTo(listing.body());
        JsonNode json = TestBundle.JSON.readTree(listing.body());
        assertThat(json.path("run_id").asText()).isEqualTo(runId);
        List<String> names = new ArrayList<>();
        for (JsonNode file : json.path("files")) {
            String name = file.path("name").asText();
            names.add(name);
            assertThat(file.path("size").asLong()).as(name).isEqualTo(Files.size(folder.resolve(name)));
            assertThat(file.path("href").asText()).isEqualTo("/drills/" + runId + "/" + name);
        }
        assertThat(names).contains("dr-report.json", "dr-events.ndjson", "drill-metrics.json",
                "restore/recall-stdout.log", "restore/recall-stderr.log");
        assertThat(names).isSorted();
    }

    @Test
    void anAuditorReadsTheReportOfADrillTheyDidNotStart() throws Exception {
        // Given an auditor, when they ask for the operator's drill report, then they get it
        HttpResponse<byte[]> report = get("/drills/" + runId + "/dr-report.json", auditor, null);

        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).isEqualTo(Files.readAllBytes(runFolder(runId).resolve("dr-report.json")));
    }

    @Test
    void aUserWithoutHistoryPermissionGets403WithAOneLineReason() throws Exception {
        // Given a user in no group
        // When they ask for the report and the listing
        HttpResponse<byte[]> report = get("/drills/" + runId + "/dr-report.json", nobody, null);
        HttpResponse<byte[]> listing = get("/drills/" + runId + "/", nobody, null);

        // Then both are refused with the reason, on one line
        for (HttpResponse<byte[]> refused : List.of(report, listing)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            String body = new String(refused.body(), StandardCharsets.UTF_8);
            assertThat(body).doesNotContain("\n").doesNotContain("services");
            JsonNode json = TestBundle.JSON.readTree(body);
            assertThat(json.path("type").asText()).isEqualTo("Forbidden");
            assertThat(json.path("message").asText()).isEqualTo("nina may not read the history of drill " + runId);
        }
    }

    @Test
    void noCredentialsOrAWrongPasswordGet401WithABasicChallenge() throws Exception {
        // Given no credentials, an operator's wrong password (the engine then locks that user for a while: not
        // the operator the other tests use), an unknown user and a user name without a password
        // When each asks for the report
        // Then each is challenged for HTTP Basic, and gets no report
        for (String credentials : new String[]{null, "wanda:wrong", "mallory:guess", "olaf"}) {
            HttpResponse<byte[]> refused = get("/drills/" + runId + "/dr-report.json", credentials, null);
            assertThat(refused.statusCode()).as(String.valueOf(credentials)).isEqualTo(401);
            assertThat(header(refused, "WWW-Authenticate")).hasValue("Basic realm=\"dr-drill\"");
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).doesNotContain("services");
        }
    }

    @Test
    void anUnknownDrillOrFileIs404() throws Exception {
        // Given a well-formed run id no drill has, and a file the drill does not have
        // When the operator asks for them
        HttpResponse<byte[]> unknownDrill = get("/drills/drill-20200101T000000Z-000000000000/dr-report.json",
                operator, null);
        HttpResponse<byte[]> unknownFile = get("/drills/" + runId + "/review.json", operator, null);
        HttpResponse<byte[]> folderAsFile = get("/drills/" + runId + "/restore", operator, null);

        // Then each is not found
        assertThat(unknownDrill.statusCode()).isEqualTo(404);
        assertThat(TestBundle.JSON.readTree(unknownDrill.body()).path("type").asText()).isEqualTo("NotFound");
        assertThat(unknownFile.statusCode()).isEqualTo(404);
        assertThat(folderAsFile.statusCode()).isEqualTo(404);
    }

    @Test
    void aMalformedNameIs400WithAOneLineMessage() throws Exception {
        // Given names outside the allowed form
        for (String path : new String[]{"/drills/not-a-run/dr-report.json", "/drills/" + runId + "/.hidden",
                "/drills/" + runId + "/a..b", "/drills/" + runId + "/other/dr-report.json"}) {
            // When the operator asks for them
            HttpResponse<byte[]> refused = get(path, operator, null);

            // Then each is refused as an invalid request, on one line
            assertThat(refused.statusCode()).as(path).isEqualTo(400);
            String body = new String(refused.body(), StandardCharsets.UTF_8);
            assertThat(body).doesNotContain("\n");
            assertThat(TestBundle.JSON.readTree(body).path("type").asText()).isEqualTo("InvalidRequest");
        }
    }

    @Test
    void noTraversalReachesAFileOutsideTheRunFolder() throws Exception {
        // Given a secret beside the run folders and one above the evidence folder
        // When the operator sends paths that climb out, plainly, encoded, double-encoded, with backslashes,
        // path parameters or double slashes, byte for byte as written
        String[] targets = {
                "/drills/" + runId + "/../secret.txt",
                "/drills/" + runId + "/../../secret.txt",
                "/drills/" + runId + "/%2e%2e/secret.txt",
                "/drills/" + runId + "/%2e%2e/%2e%2e/secret.txt",
                "/drills/" + runId + "/%2E%2E/secret.txt",
                "/drills/" + runId + "/..%2fsecret.txt",
                "/drills/" + runId + "/..%2f..%2fsecret.txt",
                "/drills/" + runId + "/%252e%252e/secret.txt",
                "/drills/" + runId + "/%252e%252e%252fsecret.txt",
                "/drills/" + runId + "/..%5csecret.txt",
                "/drills/" + runId + "/..\\secret.txt",
                "/drills/" + runId + "/..;/secret.txt",
                "/drills/" + runId + "/.;/..;/secret.txt",
                "/drills/" + runId + "/dr-report.json/..;jsessionid=x/../../secret.txt",
                "/drills/" + runId + ";jsessionid=x/../secret.txt",
                "/drills/" + runId + "//../secret.txt",
                "/drills//" + runId + "/../secret.txt",
                "/drills/" + runId + "/restore/../../secret.txt",
                "/drills/" + runId + "/restore/%2e%2e/%2e%2e/secret.txt",
                "/drills/%2e%2e/secret.txt",
                "/drills/..%2f..%2fsecret.txt",
                "/drills/" + runId + "/%00secret.txt",
                "/drills/" + runId + "/secret.txt%00.json",
                "/drills/" + runId + "/%c0%ae%c0%ae/secret.txt",
                "/camunda/../drills/" + runId + "/../secret.txt",
                "//drills/" + runId + "/../secret.txt"};
        for (String target : targets) {
            RawResponse answer = raw("GET", target, operator);

            // Then none is the secret: each is refused (by the container or by the server), none is a 200
            assertThat(answer.text()).as(target).doesNotContain(SECRET);
            assertThat(answer.status()).as(target + " -> " + answer.text()).isBetween(300, 499).isNotEqualTo(401);
        }
    }

    @Test
    void aLinkPlantedInTheRunFolderIsNeitherServedNorListed() throws Exception {
        // Given links in a drill's folder: to the secret outside, to the secret by a relative path, to its own
        // report (inside), and a restore/ that links to a folder outside holding a "recall log" with the secret
        Path folder = runFolder(plantedRunId);
        Files.createSymbolicLink(folder.resolve("leak.json"), root.resolve("secret.txt"));
        Files.createSymbolicLink(folder.resolve("relative.txt"), Path.of("..", "secret.txt"));
        Files.createSymbolicLink(folder.resolve("inside.json"), folder.resolve("dr-report.json"));
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("recall-stdout.log"), SECRET);
        Path restore = folder.resolve("restore");
        Files.move(restore, folder.resolve("restore-moved"));
        Files.createSymbolicLink(restore, outside);

        // When the operator asks for each link, and for the listing
        // Then no link is followed, and none is listed
        for (String file : new String[]{"leak.json", "relative.txt", "inside.json", "restore/recall-stdout.log"}) {
            HttpResponse<byte[]> refused = get("/drills/" + plantedRunId + "/" + file, operator, null);
            assertThat(refused.statusCode()).as(file).isEqualTo(404);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
        }
        HttpResponse<byte[]> listing = get("/drills/" + plantedRunId + "/", operator, null);
        assertThat(listing.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        TestBundle.JSON.readTree(listing.body()).path("files").forEach(f -> names.add(f.path("name").asText()));
        assertThat(names).contains("dr-report.json").doesNotContain("leak.json", "relative.txt", "inside.json")
                .noneMatch(name -> name.startsWith("restore"));
    }

    @Test
    void aRunFolderThatIsALinkIsNotFollowedEvenWhenItPointsInside() throws Exception {
        // Given a drill whose run folder was replaced by a link to a copy inside the evidence folder
        Path folder = runFolder(linkedRunId);
        Path moved = evidence.resolve("moved-" + linkedRunId);
        Files.move(folder, moved);
        Files.createSymbolicLink(folder, moved);

        // When the operator asks for its report and its listing
        HttpResponse<byte[]> report = get("/drills/" + linkedRunId + "/dr-report.json", operator, null);
        HttpResponse<byte[]> listing = get("/drills/" + linkedRunId + "/", operator, null);

        // Then neither is served
        assertThat(report.statusCode()).isEqualTo(404);
        assertThat(listing.statusCode()).isEqualTo(404);
    }

    @Test
    void theWebAppsSessionReadsTheReportWithoutBasicCredentials() throws Exception {
        // Given the operator logged in to Cockpit through the web apps' own login (with its CSRF token)
        String session = webAppLogin("olaf", operatorPassword);

        // When the browser asks for the report with only the session cookie
        HttpResponse<byte[]> report = get("/drills/" + runId + "/dr-report.json", null, "JSESSIONID=" + session);

        // Then it is served, as to HTTP Basic
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).isEqualTo(Files.readAllBytes(runFolder(runId).resolve("dr-report.json")));
    }

    @Test
    void aSessionWithoutLoginOrASessionIdInThePathIsNotAnAuthentication() throws Exception {
        // Given an anonymous web-app session (the CSRF filter opens one) and a logged-in one
        String anonymous = csrfSession().session();
        String loggedIn = webAppLogin("olaf", operatorPassword);

        // When the report is asked for with the anonymous session, and with the logged-in one in the path
        HttpResponse<byte[]> withAnonymous = get("/drills/" + runId + "/dr-report.json", null,
                "JSESSIONID=" + anonymous);
        RawResponse inPath = raw("GET", "/drills/" + runId + "/dr-report.json;jsessionid=" + loggedIn, null);

        // Then the first is challenged and the second refused as malformed
        assertThat(withAnonymous.statusCode()).isEqualTo(401);
        assertThat(inPath.status()).isEqualTo(400);
    }

    @Test
    void headAnswersTheHeadersAndOtherMethodsAre405() throws Exception {
        // Given the report's size on disk
        long size = Files.size(runFolder(runId).resolve("dr-report.json"));

        // When the operator sends HEAD, POST, PUT and DELETE
        HttpResponse<byte[]> head = send("HEAD", "/drills/" + runId + "/dr-report.json", operator);

        // Then HEAD has the file's length and no body, and the others are not allowed
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(header(head, "Content-Length")).hasValue(String.valueOf(size));
        assertThat(head.body()).isEmpty();
        for (String method : new String[]{"POST", "PUT", "DELETE"}) {
            HttpResponse<byte[]> refused = send(method, "/drills/" + runId + "/dr-report.json", operator);
            assertThat(refused.statusCode()).as(method).isEqualTo(405);
            assertThat(header(refused, "Allow")).hasValue("GET, HEAD");
        }
        assertThat(Files.size(runFolder(runId).resolve("dr-report.json"))).isEqualTo(size);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private record CsrfSession(String session, String token) {
    }

    /** A fresh web-app session and its CSRF token, as a browser gets them on its first call to the web apps. */
    private CsrfSession csrfSession() throws Exception {
        HttpResponse<String> first = http.send(HttpRequest.newBuilder(url("/camunda/api/admin/auth/user/default"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        String session = cookie(first, "JSESSIONID").orElseThrow(() -> new AssertionError("no session: "
                + first.headers().map()));
        String token = header(first, "X-XSRF-TOKEN").orElseThrow(() -> new AssertionError("no CSRF token: "
                + first.headers().map()));
        return new CsrfSession(session, token);
    }

    /** Logs in to Cockpit as the web app does; the session id the login answers with. */
    private String webAppLogin(String user, String password) throws Exception {
        CsrfSession csrf = csrfSession();
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(
                        url("/camunda/api/admin/auth/user/default/login/cockpit"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-XSRF-TOKEN", csrf.token())
                .header("Cookie", "JSESSIONID=" + csrf.session())
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return cookie(login, "JSESSIONID").orElse(csrf.session());
    }

    private static Optional<String> cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1).split(";", 2)[0]).findFirst();
    }

    private static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name);
    }

    private HttpResponse<byte[]> get(String path, String credentials, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30)).GET();
        if (credentials != null) {
            request.header("Authorization", basic(credentials));
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> send(String method, String path, String credentials) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic(credentials))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private record RawResponse(int status, String text) {
    }

    /** Sends the request target exactly as written (no client normalises or encodes it). */
    private RawResponse raw(String method, String target, String credentials) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
            if (credentials != null) {
                request.append("Authorization: ").append(basic(credentials)).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            String[] statusLine = text.split("\r\n", 2)[0].split(" ");
            return new RawResponse(Integer.parseInt(statusLine[1]), text);
        }
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static Path runFolder(String runId) {
        return evidence.resolve(runId);
    }

    private String user(String id, String password, String... groups) throws Exception {
        return HttpCalls.createUser(http, "http://127.0.0.1:" + port + "/engine-rest", admin(), id, password, groups);
    }

    private void awaitCompleted(String processInstanceId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            JsonNode instance = HttpCalls.json(rest("GET", "/history/process-instance/" + processInstanceId, admin(),
                    null));
            if ("COMPLETED".equals(instance.path("state").asText())) {
                assertThat(variable(processInstanceId, "drillStatus")).isEqualTo("passed");
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("drill " + processInstanceId + " did not complete");
    }

    private String variable(String processInstanceId, String name) throws Exception {
        JsonNode found = HttpCalls.json(rest("GET", "/history/variable-instance?processInstanceIdIn="
                + processInstanceId + "&variableName=" + name, admin(), null));
        return found.isArray() && !found.isEmpty() ? found.get(0).path("value").asText() : null;
    }

    private static String admin() {
        return "admin:" + ADMIN_PASSWORD;
    }

    private HttpResponse<String> rest(String method, String path, String credentials, String body) throws Exception {
        return HttpCalls.send(http, "http://127.0.0.1:" + port + "/engine-rest" + path, method, credentials, body);
    }
}
