package io.kvmha.simulation;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.Test;

class SimulationCoreArchitectureTest {

    @Test
    void coreIsPlainJava() {
        JavaClasses classes = new ClassFileImporter().importPackages("io.kvmha.simulation.core");
        ArchRuleDefinition.noClasses().that().resideInAPackage("io.kvmha.simulation.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                        "org.libvirt..", "tools.jackson..", "com.sun.jna..")
                .check(classes);
    }
}
