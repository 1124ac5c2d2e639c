package io.kvmha.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The placement core stays plain Java, testable without Spring, Kafka, Jackson or libvirt. */
class CorePurityTest {

    @Test
    void coreDependsOnNoFramework() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kvmha.scheduler");
        noClasses().that().resideInAPackage("io.kvmha.scheduler.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "org.apache.kafka..", "org.libvirt..", "tools.jackson..",
                        "com.sun.jna..", "io.micrometer..", "io.kvmha.scheduler.api..", "io.kvmha.scheduler.kafka..")
                .because("decisions must be testable as plain Java and reusable by any adapter")
                .check(classes);
    }
}
