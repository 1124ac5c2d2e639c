package io.kvmha.agent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The agent of one KVM host. Several agents may run in one JVM (each its own context and libvirt
 * connection): {@code HostAgentApplication.builder().run("--kvmha.agent.host-id=h1", ...)}; closing the
 * returned context closes the agent's libvirt connection.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HostAgentApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(HostAgentApplication.class).properties("spring.config.name=host-agent");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
