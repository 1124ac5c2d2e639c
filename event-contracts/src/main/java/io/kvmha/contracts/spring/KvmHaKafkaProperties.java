package io.kvmha.contracts.spring;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings shared by every kvm-ha service for its Kafka plumbing ({@code kvmha.kafka.*}).
 *
 * @param source            CloudEvents source of events this process publishes
 * @param createTopics      create the catalogue's topics and dead-letter twins at start-up
 * @param replicationFactor replication of created topics; 0 means the broker's default
 * @param processingRetries retries of a readable record whose processing failed, before dead-lettering
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.kafka")
public record KvmHaKafkaProperties(
        @NotBlank String source,
        Boolean createTopics,
        @Min(0) Integer replicationFactor,
        @Min(0) Integer processingRetries) {

    public KvmHaKafkaProperties {
        if (source == null || source.isBlank()) {
            source = "/kvmha/unknown";
        }
        if (createTopics == null) {
            createTopics = true;
        }
        if (replicationFactor == null) {
            replicationFactor = 0;
        }
        if (processingRetries == null) {
            processingRetries = 2;
        }
    }
}
