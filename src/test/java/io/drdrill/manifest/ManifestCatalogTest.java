package io.drdrill.manifest;

import io.drdrill.testsupport.TestBundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog is the only place drills start from: nothing that points out of it is accepted. */
class ManifestCatalogTest {

    @TempDir
    Path dir;

    private Path root;
    private ManifestCatalog catalog;

    @BeforeEach
    void catalogWithTwoBundles() throws IOException {
        root = dir.resolve("catalog");
        TestBundle.create(root.resolve("orders")).write();
        TestBundle.create(root.resolve("payments/eu")).write();
        Files.writeString(dir.resolve("outside.json"), "{}");
        catalog = new ManifestCatalog(root);
    }

    @Test
    void aManifestNamedRelativeToTheCatalogResolves() throws IOException {
        assertThat(catalog.resolve("orders/manifest.json")).isEqualTo(root.resolve("orders/manifest.json").toRealPath());
        assertThat(catalog.resolve("payments/./eu/manifest.json")).endsWith(Path.of("eu", "manifest.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.json", "orders/../../outside.json", "/etc/passwd", "../../etc/passwd"})
    void namesThatLeaveTheCatalogAreRefused(String name) {
        assertThatThrownBy(() -> catalog.resolve(name)).isInstanceOf(ManifestRefusedException.class)
                .hasMessageContaining("refused");
    }

    @Test
    void aSymlinkPointingOutOfTheCatalogIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("sneaky.json"), dir.resolve("outside.json"));
        Files.createSymbolicLink(root.resolve("sneaky-dir"), dir);

        assertThatThrownBy(() -> catalog.resolve("sneaky.json")).isInstanceOf(ManifestRefusedException.class)
                .hasMessageContaining("outside the catalog");
        assertThatThrownBy(() -> catalog.resolve("sneaky-dir/outside.json"))
                .isInstanceOf(ManifestRefusedException.class);
    }

    @Test
    void aMissingManifestIsInvalidButNotRefused() {
        assertThatThrownBy(() -> catalog.resolve("orders/nope.json")).isInstanceOf(InvalidManifestException.class)
                .isNotInstanceOf(ManifestRefusedException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> catalog.resolve(" ")).isInstanceOf(InvalidManifestException.class);
    }

    @Test
    void theListHoldsOnlyFilesThatLoadAsManifests() {
        assertThat(catalog.list()).containsExactly("orders/manifest.json", "payments/eu/manifest.json");
    }
}
