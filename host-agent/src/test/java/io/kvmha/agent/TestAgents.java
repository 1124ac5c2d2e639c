package io.kvmha.agent;

import io.kvmha.agent.core.DelegatingHypervisor;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.kafka.HostCommandListener;
import io.kvmha.contracts.topic.Topic;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/** Starts real host-agent applications for integration tests, ready to receive commands. */
public final class TestAgents {

    private TestAgents() {
    }

    /**
     * Runs an agent with these arguments and waits until its command listener owns every partition.
     *
     * @param starts when not null, counts every domain start the agent asks its hypervisor for, to prove a
     *               redelivered command does not start a domain twice
     */
    public static ConfigurableApplicationContext start(List<String> args, AtomicInteger starts) {
        SpringApplicationBuilder builder = HostAgentApplication.builder();
        if (starts != null) {
            builder.initializers(context -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (bean instanceof Hypervisor hypervisor && !(bean instanceof DelegatingHypervisor)) {
                        return new DelegatingHypervisor(hypervisor) {
                            @Override
                            public void start(String uuid) {
                                starts.incrementAndGet();
                                super.start(uuid);
                            }
                        };
                    }
                    return bean;
                }
            }));
        }
        ConfigurableApplicationContext context = builder.run(args.toArray(String[]::new));
        ContainerTestUtils.waitForAssignment(
                context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer(HostCommandListener.LISTENER_ID),
                Topic.HOST_COMMANDS.partitions());
        return context;
    }
}
