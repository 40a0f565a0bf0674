package io.drdrill.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drdrill.manifest.ManifestCatalog;
import io.drdrill.scheduler.CatalogListed;
import io.drdrill.signoff.SignoffRules;
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
 * The Tasklist start forms of {@code dr-drill} ("drill-start") and {@code release-signoff} ("release-start", which
 * also asks for the release's name and version) let the operator pick a manifest from the catalog. The form is built from the catalog at start and again at every scheduler tick
 * ({@link CatalogListed}), and deployed only when its content changed (the engine's duplicate filtering compares
 * it with the latest deployment of the same name), so new and changed manifests appear without a restart.
 */
@Component
@Profile("serve")
public class DrillStartFormDeployer {

    static final String FORM_ID = "drill-start";
    static final String RELEASE_FORM_ID = "release-start";
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
                .addString(FORM_ID + ".form", form(manifests))
                .addString(RELEASE_FORM_ID + ".form", releaseForm(manifests)).deploy().getId();
        if (!deployed.equals(latest)) {
            LOG.info("start form offers {} manifest(s) from {}", manifests.size(), catalog.root());
        }
    }

    private String latestDeploymentId() {
        return repository.createDeploymentQuery().deploymentName(DEPLOYMENT).orderByDeploymentTime().desc()
                .listPage(0, 1).stream().map(d -> d.getId()).findFirst().orElse("");
    }

    static String form(List<String> manifests) {
        return json(FORM_ID, List.of(manifestSelect(manifests), note("Why this drill, change ticket, ...")));
    }

    static String releaseForm(List<String> manifests) {
        return json(RELEASE_FORM_ID, List.of(
                Map.of("type", "text", "id", "Text_release", "text", "### Request a release sign-off\n"
                        + "A restore drill runs first; a passed drill goes to a second person in release-approvers."),
                textfield("releaseName", "Release", "What is released, e.g. shop"),
                textfield("releaseVersion", "Version", "e.g. 2.4.1"),
                manifestSelect(manifests), note("Change ticket, scope, ...")));
    }

    private static Map<String, Object> textfield(String key, String label, String description) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("type", "textfield");
        field.put("id", "Field_" + key);
        field.put("key", key);
        field.put("label", label);
        field.put("description", description);
        field.put("validate", Map.of("required", true, "maxLength", SignoffRules.MAX_RELEASE_FIELD_CHARS));
        return field;
    }

    private static Map<String, Object> note(String description) {
        return Map.of("type", "textarea", "id", "Field_note", "key", "note", "label", "Note",
                "description", description);
    }

    private static Map<String, Object> manifestSelect(List<String> manifests) {
        Map<String, Object> select = new LinkedHashMap<>();
        select.put("type", "select");
        select.put("id", "Field_manifest");
        select.put("key", "manifest");
        select.put("label", "Manifest");
        select.put("description", "From the catalog on the server");
        select.put("values", manifests.stream().map(m -> Map.of("label", m, "value", m)).toList());
        select.put("validate", Map.of("required", true));
        return select;
    }

    private static String json(String id, List<Map<String, Object>> components) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("components", components);
        form.put("type", "default");
        form.put("id", id);
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
