package io.kvmha.scheduler;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The scheduler service: desired state, the placement ledger, evacuation plans and the VM/host REST API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SchedulerApplication {

    /** Reads {@code scheduler-service.yml}, so the four services can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(SchedulerApplication.class).properties("spring.config.name=scheduler-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
