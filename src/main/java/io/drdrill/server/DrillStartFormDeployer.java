package io.drdrill.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.scheduler.CatalogListed;
import org.camunda.bpm.engine.RepositoryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Tasklist start form of {@code dr-drill} and {@code release-signoff} ("drill-start") lets the operator pick a
 * manifest from the catalog. The form is built from the catalog at start and again at every scheduler tick
 * ({@link CatalogListed}), and deployed only when its content changed (the engine's duplicate filtering compares
 * it with the latest deployment of the same name), so new and changed manifests appear without a restart.
 */
@Component
@Profile("serve")
public class DrillStartFormDeployer {

    static final String FORM_ID = "drill-start";
    static final String DEPLOYMENT = "drill-start-form";
    private static final Logger LOG = LoggerFactory.getLogger(DrillStartFormDeployer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RepositoryService repository;
    private final ManifestCatalog catalog;

    public DrillStartFormDeployer(RepositoryService repository, ManifestCatalog catalog) {
        this.repository = repository;
        this.catalog = catalog;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void deploy() {
        deploy(catalog.list());
    }

    /** At each scheduler tick: the catalog as the tick listed it. */
    @EventListener
    public void catalogListed(CatalogListed listed) {
        deploy(listed.manifests());
    }

    private synchronized void deploy(List<String> manifests) {
        String latest = latestDeploymentId();
        String deployed = repository.createDeployment().name(DEPLOYMENT).enableDuplicateFiltering(false)
                .addString(FORM_ID + ".form", form(manifests)).deploy().getId();
        if (!deployed.equals(latest)) {
            LOG.info("start form offers {} manifest(s) from {}", manifests.size(), catalog.root());
        }
    }

    private String latestDeploymentId() {
        return repository.createDeploymentQuery().deploymentName(DEPLOYMENT).orderByDeploymentTime().desc()
                .listPage(0, 1).stream().map(d -> d.getId()).findFirst().orElse("");
    }

    static String form(List<String> manifests) {
        Map<String, Object> select = new LinkedHashMap<>();
        select.put("type", "select");
        select.put("id", "Field_manifest");
        select.put("key", "manifest");
        select.put("label", "Manifest");
        select.put("description", "From the catalog on the server");
        select.put("values", manifests.stream().map(m -> Map.of("label", m, "value", m)).toList());
        select.put("validate", Map.of("required", true));
        Map<String, Object> note = Map.of("type", "textarea", "id", "Field_note", "key", "note", "label", "Note",
                "description", "Why this drill, change ticket, ...");
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("components", List.of(select, note));
        form.put("type", "default");
        form.put("id", FORM_ID);
        form.put("executionPlatform", "Camunda Platform");
        form.put("executionPlatformVersion", "7.24.0");
        form.put("schemaVersion", 16);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(form);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
