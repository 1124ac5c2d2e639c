package io.kvmha.failover.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The decision core stays plain Java: no framework, broker, serialisation or native binding in it. */
class CorePurityTest {

    @Test
    void coreDependsOnNoFrameworkOrInfrastructure() {
        JavaClasses core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kvmha.failover.core");
        noClasses().that().resideInAPackage("io.kvmha.failover.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "org.apache.kafka..", "org.libvirt..", "tools.jackson..",
                        "com.sun.jna..", "io.kvmha.contracts.spring..", "io.kvmha.contracts.kafka..",
                        "io.kvmha.contracts.codec..", "io.micrometer..", "org.slf4j..")
                .because("the failover core is plain Java, tested without Spring or Kafka")
                .check(core);
    }
}
