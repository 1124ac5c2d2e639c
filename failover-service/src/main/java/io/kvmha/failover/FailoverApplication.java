package io.kvmha.failover;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Host health and recovery: detects failed hosts from heartbeats and restarts their VMs elsewhere. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FailoverApplication {

    /** The application with its own config file name, so it can share a JVM with the other services. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(FailoverApplication.class).properties("spring.config.name=failover-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
