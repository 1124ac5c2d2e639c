package io.kvmha.monitor.kafka;

import io.kvmha.monitor.MonitorProperties;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Applies {@code kvmha.monitor.stream-fetch} to the listener containers of the high-rate streams (named by their
 * {@code containerPostProcessor}); the other listeners keep the consumer factory's settings.
 */
@Component(StreamConsumerSettings.BEAN)
public class StreamConsumerSettings implements ContainerPostProcessor<Object, Object, AbstractMessageListenerContainer<Object, Object>> {

    public static final String BEAN = "monitorStreamConsumerSettings";

    private final MonitorProperties.StreamFetch fetch;

    public StreamConsumerSettings(MonitorProperties properties) {
        this.fetch = properties.streamFetch();
    }

    @Override
    public void postProcess(AbstractMessageListenerContainer<Object, Object> container) {
        Properties overrides = new Properties();
        Properties existing = container.getContainerProperties().getKafkaConsumerProperties();
        if (existing != null) {
            overrides.putAll(existing);
        }
        overrides.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(fetch.maxWait().toMillis()));
        overrides.setProperty(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Long.toString(fetch.minBytes().toBytes()));
        overrides.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(fetch.maxPollRecords()));
        container.getContainerProperties().setKafkaConsumerProperties(overrides);
    }
}
