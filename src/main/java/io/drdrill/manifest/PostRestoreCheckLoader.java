package io.drdrill.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.drdrill.step.Text;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code restore.checks}. Kept apart from {@link ManifestLoader} because each check type has fields of its
 * own; the rules are the loader's: unknown fields are refused, and every error names the field, as
 * {@code restore.checks[1].jdbc_url}. Credentials are refused wherever a manifest could carry them (a JDBC URL's
 * {@code user=} or {@code password=}, an HTTP URL's {@code user:password@}).
 */
final class PostRestoreCheckLoader {

    static final String FIELD = "restore.checks";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern ENV = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final int MAX_QUERY_CHARS = 10_000;
    private static final int MAX_CHECKS = 100;
    /** With the digest of the restored copy, the step must end well within its job lock (2 h). */
    static final long MAX_TOTAL_SECONDS = 3600;
    private static final Set<String> COMMON = Set.of("name", "type", "timeout_seconds");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "command", Set.of("path", "args"),
            "http", Set.of("url", "expect_status", "expect_body_contains"),
            "tcp", Set.of("host", "port"),
            "postgres", Set.of("jdbc_url", "user", "user_env", "password_env", "password_file", "query",
                    "expect_min_rows", "expect_value", "expect_min_value"));
    /**
     * JDBC URL parameters refused: credentials, and the driver's options that load a class or write a file named
     * by the URL (a check reads a database, it does not extend the drill).
     */
    private static final Set<String> REFUSED_JDBC_PARAMETERS = Set.of("user", "password", "socketfactory",
            "socketfactoryarg", "sslfactory", "sslfactoryarg", "sslhostnameverifier", "sslpasswordcallback",
            "sslpassword", "authenticationpluginclassname", "loggerfile", "loggerlevel");

    private PostRestoreCheckLoader() {
    }

    static List<PostRestoreCheck> checks(JsonNode restore, Path base) {
        JsonNode node = restore.get("checks");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(FIELD, "must be an array of checks, e.g. [{\"name\": \"db-up\", \"type\": \"tcp\", "
                    + "\"host\": \"127.0.0.1\", \"port\": 5432}]");
        }
        if (node.size() > MAX_CHECKS) {
            throw invalid(FIELD, "at most " + MAX_CHECKS + " checks, got " + node.size());
        }
        List<PostRestoreCheck> checks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String field = FIELD + "[" + i + "]";
            JsonNode check = node.get(i);
            if (!check.isObject()) {
                throw invalid(field, "must be an object with a name and a type");
            }
            PostRestoreCheck parsed = check(check, field, base);
            if (!names.add(parsed.name())) {
                throw invalid(field + ".name", "'" + parsed.name() + "' is used by an earlier check; names must be unique");
            }
            checks.add(parsed);
        }
        // a postgres check may spend its timeout connecting and again querying
        long budget = checks.stream().mapToLong(c -> c instanceof PostRestoreCheck.Postgres
                ? 2 * c.timeoutSeconds() : c.timeoutSeconds()).sum();
        if (budget > MAX_TOTAL_SECONDS) {
            throw invalid(FIELD, "the checks may take " + budget + "s in all (timeout_seconds, twice for postgres "
                    + "checks), at most " + MAX_TOTAL_SECONDS + ": the step must end while it holds its job lock");
        }
        return checks;
    }

    private static PostRestoreCheck check(JsonNode check, String field, Path base) {
        String name = requiredText(check, field, "name");
        if (!NAME.matcher(name).matches()) {
            throw invalid(field + ".name", "must be 1-64 characters of A-Z a-z 0-9 . _ -, got '"
                    + Text.shorten(name, 80) + "'");
        }
        String type = requiredText(check, field, "type");
        Set<String> own = FIELDS.get(type);
        if (own == null) {
            throw invalid(field + ".type", "must be one of command, http, tcp, postgres, got '"
                    + Text.shorten(type, 80) + "'");
        }
        Set<String> known = new TreeSet<>(COMMON);
        known.addAll(own);
        check.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                throw invalid(field + "." + Text.shorten(key, 80), "unknown for a " + type + " check (known: "
                        + String.join(", ", known) + ")");
            }
        });
        long timeout = timeout(check, field);
        return switch (type) {
            case "command" -> new PostRestoreCheck.Command(name, path(check, field, "path", base),
                    args(check, field), timeout);
            case "http" -> http(check, field, name, timeout);
            case "tcp" -> new PostRestoreCheck.Tcp(name, host(check, field), port(check, field), timeout);
            case "postgres" -> postgres(check, field, name, base, timeout);
            default -> throw new IllegalStateException(type);
        };
    }

    private static long timeout(JsonNode check, String field) {
        JsonNode node = check.get("timeout_seconds");
        if (node == null || node.isNull()) {
            return PostRestoreCheck.DEFAULT_TIMEOUT_SECONDS;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() <= 0
                || node.longValue() > PostRestoreCheck.MAX_TIMEOUT_SECONDS) {
            throw invalid(field + ".timeout_seconds", "must be a whole number of seconds from 1 to "
                    + PostRestoreCheck.MAX_TIMEOUT_SECONDS + ", got " + Text.shorten(node.toString(), 80));
        }
        return node.longValue();
    }

    private static List<String> args(JsonNode check, String field) {
        JsonNode node = check.get("args");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(field + ".args", "must be an array of strings");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode arg : node) {
            if (!arg.isTextual() || arg.asText().indexOf('\0') >= 0) {
                throw invalid(field + ".args", "must be an array of strings");
            }
            args.add(arg.asText());
        }
        return args;
    }

    private static PostRestoreCheck.Http http(JsonNode check, String field, String name, long timeout) {
        String url = requiredText(check, field, "url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(field + ".url", "not a valid URL: " + Text.shorten(e.getMessage(), 200));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw invalid(field + ".url", "must be an http:// or https:// URL with a host, got '"
                    + Text.shorten(url, 120) + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(field + ".url", "must not carry credentials (user:password@): a manifest holds none");
        }
        int status = 200;
        JsonNode expect = check.get("expect_status");
        if (expect != null && !expect.isNull()) {
            if (!expect.isIntegralNumber() || expect.intValue() < 100 || expect.intValue() > 599) {
                throw invalid(field + ".expect_status", "must be an HTTP status from 100 to 599, got "
                        + Text.shorten(expect.toString(), 80));
            }
            status = expect.intValue();
        }
        return new PostRestoreCheck.Http(name, url, status, optionalText(check, field, "expect_body_contains"),
                timeout);
    }

    private static String host(JsonNode check, String field) {
        String host = requiredText(check, field, "host");
        if (!host.matches("[A-Za-z0-9.:\\[\\]_-]{1,253}")) {
            throw invalid(field + ".host", "must be a host name or an IP address, got '" + Text.shorten(host, 80) + "'");
        }
        return host;
    }

    private static int port(JsonNode check, String field) {
        JsonNode node = check.get("port");
        if (node == null || node.isNull()) {
            throw invalid(field + ".port", "is required");
        }
        if (!node.isIntegralNumber() || node.intValue() < 1 || node.intValue() > 65535) {
            throw invalid(field + ".port", "must be a port from 1 to 65535, got " + Text.shorten(node.toString(), 80));
        }
        return node.intValue();
    }

    private static PostRestoreCheck.Postgres postgres(JsonNode check, String field, String name, Path base,
                                                      long timeout) {
        String url = jdbcUrl(requiredText(check, field, "jdbc_url"), field + ".jdbc_url");
        Optional<String> user = optionalText(check, field, "user");
        Optional<String> userEnv = optionalText(check, field, "user_env").map(v -> env(v, field + ".user_env"));
        if (user.isPresent() == userEnv.isPresent()) {
            throw invalid(field + ".user", "set exactly one of user and user_env");
        }
        Optional<String> passwordEnv = optionalText(check, field, "password_env")
                .map(v -> env(v, field + ".password_env"));
        Optional<Path> passwordFile = check.hasNonNull("password_file")
                ? Optional.of(path(check, field, "password_file", base)) : Optional.empty();
        if (passwordEnv.isPresent() && passwordFile.isPresent()) {
            throw invalid(field + ".password_env", "set at most one of password_env and password_file");
        }
        String query = query(requiredText(check, field, "query"), field + ".query");
        return new PostRestoreCheck.Postgres(name, url, user, userEnv, passwordEnv, passwordFile, query,
                expectation(check, field), timeout);
    }

    /** {@code jdbc:postgresql://} only, and none of the parameters a manifest must not set. */
    static String jdbcUrl(String url, String field) {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw invalid(field, "must start with jdbc:postgresql://, got '" + Text.shorten(url, 120) + "'");
        }
        int query = url.indexOf('?');
        String authority = url.substring("jdbc:postgresql://".length(), query < 0 ? url.length() : query);
        int slash = authority.indexOf('/');
        if ((slash < 0 ? authority : authority.substring(0, slash)).contains("@")) {
            throw invalid(field, "must not carry credentials (user:password@): use user or user_env and "
                    + "password_env or password_file");
        }
        if (query >= 0) {
            for (String parameter : url.substring(query + 1).split("&")) {
                String key = parameter.split("=", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (key.equals("user") || key.equals("password")) {
                    throw invalid(field, "must not carry " + key + "=: credentials never go into a manifest; use "
                            + "user or user_env and password_env or password_file");
                }
                if (REFUSED_JDBC_PARAMETERS.contains(key)) {
                    throw invalid(field, "must not set " + key + ": it makes the driver load a class or write a "
                            + "file named by the manifest");
                }
            }
        }
        return url;
    }

    /** One statement: a {@code ;} is accepted only at the end. */
    private static String query(String query, String field) {
        if (query.length() > MAX_QUERY_CHARS) {
            throw invalid(field, "is longer than " + MAX_QUERY_CHARS + " characters");
        }
        String statement = query.strip();
        while (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).strip();
        }
        if (statement.isEmpty()) {
            throw invalid(field, "must be a SQL query");
        }
        if (statement.indexOf(';') >= 0) {
            throw invalid(field, "must be one statement: ';' is accepted only at its end");
        }
        return statement;
    }

    private static PostRestoreCheck.Expectation expectation(JsonNode check, String field) {
        List<PostRestoreCheck.Expectation> set = new ArrayList<>();
        JsonNode rows = check.get("expect_min_rows");
        if (rows != null && !rows.isNull()) {
            if (!rows.isIntegralNumber() || !rows.canConvertToLong() || rows.longValue() < 0) {
                throw invalid(field + ".expect_min_rows", "must be a non-negative integer, got "
                        + Text.shorten(rows.toString(), 80));
            }
            set.add(new PostRestoreCheck.Expectation.MinRows(rows.longValue()));
        }
        JsonNode value = check.get("expect_value");
        if (value != null && !value.isNull()) {
            if (!value.isTextual() && !value.isIntegralNumber() && !value.isBoolean()) {
                throw invalid(field + ".expect_value", "must be a string (compared with the value as text), an "
                        + "integer or a boolean");
            }
            set.add(new PostRestoreCheck.Expectation.Value(value.asText()));
        }
        JsonNode min = check.get("expect_min_value");
        if (min != null && !min.isNull()) {
            if (!min.isNumber() || !Double.isFinite(min.doubleValue())) {
                throw invalid(field + ".expect_min_value", "must be a number, got " + Text.shorten(min.toString(), 80));
            }
            set.add(new PostRestoreCheck.Expectation.MinValue(min.decimalValue()));
        }
        if (set.size() != 1) {
            throw invalid(field, "a postgres check needs exactly one of expect_min_rows, expect_value and "
                    + "expect_min_value" + (set.isEmpty() ? "" : " (got " + set.size() + ")"));
        }
        return set.get(0);
    }

    private static String env(String name, String field) {
        if (!ENV.matcher(name).matches()) {
            throw invalid(field, "must name an environment variable ([A-Za-z_][A-Za-z0-9_]*), got '"
                    + Text.shorten(name, 80) + "'");
        }
        return name;
    }

    private static Path path(JsonNode check, String field, String key, Path base) {
        String value = requiredText(check, field, key);
        try {
            return base.resolve(value).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw invalid(field + "." + key, "not a valid path: " + e.getMessage());
        }
    }

    private static String requiredText(JsonNode check, String field, String key) {
        return optionalText(check, field, key).orElseThrow(() -> invalid(field + "." + key, "is required"));
    }

    private static Optional<String> optionalText(JsonNode check, String field, String key) {
        JsonNode node = check.get(key);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid(field + "." + key, "must be a non-empty string");
        }
        return Optional.of(node.asText());
    }

    private static InvalidManifestException invalid(String field, String why) {
        return new InvalidManifestException("manifest field " + field + ": " + why);
    }
}
