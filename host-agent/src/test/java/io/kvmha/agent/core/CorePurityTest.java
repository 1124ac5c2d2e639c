package io.kvmha.agent.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.Test;

/** The agent's decisions stay plain Java: testable without Spring, Kafka, Jackson or libvirt. */
class CorePurityTest {

    @Test
    void coreDependsOnNoFrameworkNorLibvirt() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kvmha.agent");
        ArchRuleDefinition.noClasses().that().resideInAPackage("io.kvmha.agent.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "org.apache.kafka..", "org.libvirt..", "tools.jackson..", "com.sun.jna..")
                .check(classes);
    }
}
