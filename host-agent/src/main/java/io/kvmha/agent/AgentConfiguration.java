package io.kvmha.agent;

import io.kvmha.agent.core.CommandAttribution;
import io.kvmha.agent.core.CommandExecutor;
import io.kvmha.agent.core.HeartbeatComposer;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.InventoryComposer;
import io.kvmha.agent.libvirt.LibvirtHypervisor;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the agent's core to its one libvirt connection. */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

    static String agentVersion() {
        String version = HostAgentApplication.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }

    @Bean
    Clock agentClock() {
        return Clock.systemUTC();
    }

    @Bean
    HypervisorTarget hypervisorTarget(AgentProperties properties) {
        return HypervisorTarget.from(properties);
    }

    /** The agent's hypervisor; {@code listDomains()} tells what runs on this host right now. */
    @Bean(destroyMethod = "close")
    Hypervisor hypervisor(AgentProperties properties, HypervisorTarget target) {
        return new LibvirtHypervisor(target.uri(), properties.hostId());
    }

    @Bean
    CommandAttribution commandAttribution(Clock agentClock, AgentProperties properties) {
        return new CommandAttribution(agentClock, properties.commandAttributionWindow());
    }

    @Bean
    CommandExecutor commandExecutor(AgentProperties properties, Hypervisor hypervisor, Clock agentClock,
                                    CommandAttribution attribution) {
        return new CommandExecutor(properties.hostId(), hypervisor, agentClock, properties.commandResultCacheSize(),
                attribution);
    }

    @Bean
    InventoryComposer inventoryComposer(AgentProperties properties, HypervisorTarget target, Clock agentClock) {
        return new InventoryComposer(properties.hostId(), target.simulated(), properties.labels(), agentClock);
    }

    @Bean
    HeartbeatComposer heartbeatComposer(AgentProperties properties, Clock agentClock) {
        return new HeartbeatComposer(properties.hostId(), agentVersion(), agentClock);
    }
}
