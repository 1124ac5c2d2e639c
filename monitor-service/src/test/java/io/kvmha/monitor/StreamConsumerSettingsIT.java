package io.kvmha.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.monitor.kafka.EventStreamListener;
import io.kvmha.monitor.kafka.HostHealthListener;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code kvmha.monitor.stream-fetch} reaches the consumers of the two high-rate streams, and only those. */
class StreamConsumerSettingsIT extends EmbeddedKafkaContext {

    @Test
    void theStreamConsumersFetchEvery100msAtMost200RecordsAPoll() {
        for (String id : new String[] {EventStreamListener.HEARTBEATS, EventStreamListener.METRICS}) {
            Properties consumer = listeners.getListenerContainer(id).getContainerProperties().getKafkaConsumerProperties();
            assertThat(consumer).as(id)
                    .containsEntry("fetch.max.wait.ms", "100")
                    .containsEntry("fetch.min.bytes", Long.toString(1024 * 1024))
                    .containsEntry("max.poll.records", "200");
        }
    }

    @Test
    void theAlertPathKeepsKafkasDefaults() {
        Properties consumer = listeners.getListenerContainer(HostHealthListener.ID).getContainerProperties()
                .getKafkaConsumerProperties();
        assertThat(consumer).doesNotContainKeys("fetch.max.wait.ms", "fetch.min.bytes", "max.poll.records");
    }
}
