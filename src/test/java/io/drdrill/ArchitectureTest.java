package io.drdrill;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

import java.util.Arrays;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The package layering holds: the ground vocabulary imports nothing of ours, the domain core imports no Camunda
 * or Spring, each package imports only packages below it, and no two packages import each other.
 */
class ArchitectureTest {

    private static final String[] CORE = {"io.drdrill.step..", "io.drdrill.manifest..", "io.drdrill.backup..",
            "io.drdrill.supplychain..", "io.drdrill.restore..", "io.drdrill.policy..", "io.drdrill.drill..",
            "io.drdrill.evidence..", "io.drdrill.signoff..", "io.drdrill.schedule..", "io.drdrill.alerts.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importTheApplication() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.drdrill");
    }

    @Test
    void noPackagesImportEachOther() {
        // Given the application's classes
        // When their package dependencies are sliced by top-level package
        // Then there is no cycle
        cycleFree("io.drdrill").check(classes);
    }

    @Test
    void theCycleRuleFailsOnTwoPackagesThatImportEachOther() {
        // Given two fixture packages that import each other
        JavaClasses fixture = new ClassFileImporter().importPackages("io.drdrill.archfixture");

        // When the same rule checks them
        // Then it reports the cycle
        assertThatThrownBy(() -> cycleFree("io.drdrill.archfixture").check(fixture)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
    }

    private static ArchRule cycleFree(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    @Test
    void everySpringComponentLiesInAPackageTheApplicationScans() {
        // Given the packages the application looks for components in
        String[] scanned = Arrays.stream(DrDrillApplication.class.getAnnotation(SpringBootApplication.class)
                .scanBasePackages()).map(name -> name + "..").toArray(String[]::new);

        // When the classes outside them are checked, then none is a component (it would never be found)
        noClasses().that().resideOutsideOfPackages(scanned).and().doNotHaveFullyQualifiedName(
                        DrDrillApplication.class.getName())
                .should().beMetaAnnotatedWith(Component.class).check(classes);
    }

    @Test
    void theDomainCoreImportsNoCamundaAndNoSpring() {
        // Given the core packages, when their dependencies are checked, then none reaches the engine or Spring
        noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat()
                .resideInAnyPackage("org.camunda..", "org.springframework..").check(classes);
    }

    @Test
    void eachLayerImportsOnlyTheLayersBelowIt() {
        // Given the layers from the ground vocabulary up to the entry points
        // When the dependencies are checked
        // Then each layer is used only by layers above it
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("io.drdrill..")
                .layer("Root").definedBy("io.drdrill")
                .layer("Entry").definedBy("io.drdrill.cli..", "io.drdrill.server..", "io.drdrill.metrics..",
                        "io.drdrill.evidenceweb..")
                .layer("Audit").definedBy("io.drdrill.audit..")
                .layer("Scheduler").definedBy("io.drdrill.scheduler..")
                .layer("Release").definedBy("io.drdrill.release..")
                .layer("Alerting").definedBy("io.drdrill.alerting..")
                .layer("Process").definedBy("io.drdrill.process..")
                .layer("Alerts").definedBy("io.drdrill.alerts..")
                .layer("Evidence").definedBy("io.drdrill.evidence..", "io.drdrill.signoff..")
                .layer("Drill").definedBy("io.drdrill.drill..")
                .layer("Checks").definedBy("io.drdrill.backup..", "io.drdrill.supplychain..", "io.drdrill.restore..",
                        "io.drdrill.policy..")
                .layer("Manifest").definedBy("io.drdrill.manifest..")
                .layer("Schedule").definedBy("io.drdrill.schedule..")
                .layer("Ground").definedBy("io.drdrill.step..", "io.drdrill.logging..")
                .whereLayer("Root").mayNotBeAccessedByAnyLayer()
                .whereLayer("Entry").mayOnlyBeAccessedByLayers("Root")
                .whereLayer("Audit").mayOnlyBeAccessedByLayers("Root", "Entry")
                .whereLayer("Scheduler").mayOnlyBeAccessedByLayers("Root", "Entry")
                .whereLayer("Release").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler")
                .whereLayer("Alerting").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler")
                .whereLayer("Process").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler", "Release",
                        "Alerting")
                .whereLayer("Alerts").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler", "Release",
                        "Alerting", "Process")
                .whereLayer("Evidence").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler", "Release",
                        "Alerting", "Process", "Alerts")
                .whereLayer("Drill").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler", "Release",
                        "Alerting", "Process")
                .whereLayer("Checks").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler", "Release",
                        "Alerting", "Process", "Alerts", "Evidence", "Drill")
                .whereLayer("Manifest").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler", "Release",
                        "Alerting", "Process", "Alerts", "Evidence", "Drill", "Checks")
                .whereLayer("Schedule").mayOnlyBeAccessedByLayers("Root", "Entry", "Audit", "Scheduler", "Release",
                        "Alerting", "Process", "Alerts", "Evidence", "Drill", "Checks", "Manifest")
                .check(classes);
    }

    @Test
    void theGroundVocabularyImportsNothingOfOurs() {
        // Given the step vocabulary, when its dependencies are checked, then it uses no other package of ours
        noClasses().that().resideInAPackage("io.drdrill.step..").should().dependOnClassesThat()
                .resideInAnyPackage(CORE[1], CORE[2], CORE[3], CORE[4], CORE[5], CORE[6], CORE[7], CORE[8],
                        CORE[9], CORE[10], "io.drdrill.alerting..", "io.drdrill.process..",
                        "io.drdrill.scheduler..", "io.drdrill.release..", "io.drdrill.server..", "io.drdrill.cli..")
                .check(classes);
    }
}
