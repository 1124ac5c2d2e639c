package io.kvmha.monitor;

import io.kvmha.contracts.topic.Topic;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/**
 * One monitor service on a random port against one embedded broker, shared (through Spring's context
 * cache) by every integration test class that extends this: tests use distinct host and incident ids.
 */
@SpringBootTest(classes = MonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=monitor-service",
            "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
            "kvmha.monitor.runbook-base-url=https://kvm-ha.dev/docs/OPERATIONS.md"})
@EmbeddedKafka
public abstract class EmbeddedKafkaContext {

    @Autowired
    protected EmbeddedKafkaBroker broker;
    @Autowired
    protected KafkaListenerEndpointRegistry listeners;

    @BeforeEach
    void waitForPartitions() throws Exception {
        for (var container : listeners.getListenerContainers()) {
            String topic = container.getContainerProperties().getTopics()[0];
            ContainerTestUtils.waitForAssignment(container, Topic.byName(topic).orElseThrow().partitions());
        }
    }
}
