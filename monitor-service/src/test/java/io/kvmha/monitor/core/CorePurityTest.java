package io.kvmha.monitor.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The alert core is plain Java: rules and lifecycle testable without Spring, Kafka or Jackson. */
class CorePurityTest {

    @Test
    void coreDependsOnNoFrameworks() {
        JavaClasses core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kvmha.monitor.core");

        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "org.apache.kafka..", "org.libvirt..", "tools.jackson..",
                        "com.fasterxml.jackson..", "com.sun.jna..", "io.micrometer..")
                .because("the core must stay plain Java")
                .check(core);
    }
}
