package io.drdrill.alerting;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The evidence link an alert carries: the report's path, or its URL when the evidence folder is published at
 * {@code drdrill.alerts.evidence-base-url} (a report below {@code drdrill.evidence-dir} maps onto the URL below it).
 */
public final class EvidenceLinks {

    private final URI baseUrl;
    private final Path evidenceDir;

    public EvidenceLinks(URI baseUrl, Path evidenceDir) {
        this.baseUrl = baseUrl;
        this.evidenceDir = evidenceDir.toAbsolutePath().normalize();
    }

    public static EvidenceLinks none() {
        return new EvidenceLinks(null, Path.of("."));
    }

    public Optional<String> of(Optional<Path> report) {
        return report.map(path -> {
            Path absolute = path.toAbsolutePath().normalize();
            if (baseUrl == null || !absolute.startsWith(evidenceDir)) {
                return absolute.toString();
            }
            String relative = StreamSupport.stream(evidenceDir.relativize(absolute).spliterator(), false)
                    .map(segment -> encode(segment.toString())).collect(Collectors.joining("/"));
            String base = baseUrl.toString();
            return (base.endsWith("/") ? base : base + "/") + relative;
        });
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
