package io.kvmha.contracts.spring;

import io.kvmha.contracts.topic.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.core.KafkaOperations;

/**
 * Creates the service's Kafka producer and reads the catalogue topics' metadata once the application is ready,
 * on a thread of its own. Without it the producer is built on the first publish: on a busy host that took 2.5 s
 * on the failover service's detector thread, the first time a host turned SUSPECT, and stalled detection.
 */
final class ProducerWarmUp implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ProducerWarmUp.class);

    private final KafkaOperations<?, ?> kafka;

    ProducerWarmUp(KafkaOperations<?, ?> kafka) {
        this.kafka = kafka;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        Thread warmUp = new Thread(this::warmUp, "kafka-producer-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private void warmUp() {
        long started = System.nanoTime();
        try {
            kafka.execute(producer -> {
                for (Topic topic : Topic.values()) {
                    producer.partitionsFor(topic.topicName());
                }
                return null;
            });
            log.info("Kafka producer ready, metadata of {} topics read in {} ms", Topic.values().length,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            // Not fatal: the first publish builds the producer as it would have anyway.
            log.warn("Kafka producer warm-up failed (the first publish will retry): {}", e.toString());
        }
    }
}
