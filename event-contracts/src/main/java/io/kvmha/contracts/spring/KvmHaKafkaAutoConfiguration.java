package io.kvmha.contracts.spring;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.codec.UnreadableRecordException;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.kafka.EventOrBytesSerializer;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.security.CommandSigner;
import io.kvmha.contracts.topic.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The Kafka plumbing every kvm-ha service shares: CloudEvents (de)serialisation, topic creation from
 * the catalogue, and dead-letter routing. Services only write listeners and publish events.
 */
@AutoConfiguration
@EnableConfigurationProperties({KvmHaKafkaProperties.class, KvmHaSecurityProperties.class})
public class KvmHaKafkaAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CloudEventCodec cloudEventCodec(KvmHaKafkaProperties properties) {
        return new CloudEventCodec(URI.create(properties.source()));
    }

    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    DefaultKafkaProducerFactoryCustomizer kvmhaEventSerializers(CloudEventCodec codec) {
        return factory -> {
            DefaultKafkaProducerFactory raw = factory;
            raw.setKeySerializer(new StringSerializer());
            raw.setValueSerializer(new EventOrBytesSerializer(new EventSerializer(codec)));
        };
    }

    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    DefaultKafkaConsumerFactoryCustomizer kvmhaEventDeserializers(CloudEventCodec codec) {
        return factory -> {
            DefaultKafkaConsumerFactory raw = factory;
            raw.setKeyDeserializer(new StringDeserializer());
            raw.setValueDeserializerSupplier(() -> new ErrorHandlingDeserializer<>(new EventDeserializer(codec)));
        };
    }

    @Bean
    @ConditionalOnMissingBean
    @SuppressWarnings("unchecked")
    EventPublisher eventPublisher(KafkaOperations<?, ?> kafka, ObjectProvider<CommandSigner> signer,
                                  KvmHaSecurityProperties security) {
        return new EventPublisher((KafkaOperations<String, Object>) kafka, signer.getIfAvailable(),
                security.audit().enabled(), Clock.systemUTC());
    }

    @Bean
    ProducerWarmUp kvmhaProducerWarmUp(KafkaOperations<?, ?> kafka) {
        return new ProducerWarmUp(kafka);
    }

    @Bean
    @ConditionalOnMissingBean
    DeadLetterRouter deadLetterRouter(KafkaOperations<?, ?> kafka, ObjectProvider<MeterRegistry> meters,
                                      KafkaProperties kafkaProperties) {
        return new DeadLetterRouter(kafka, meters.getIfAvailable(SimpleMeterRegistry::new),
                kafkaProperties.getConsumer().getGroupId());
    }

    @Bean
    @ConditionalOnMissingBean
    DefaultErrorHandler kvmhaErrorHandler(DeadLetterRouter router, KvmHaKafkaProperties properties) {
        DefaultErrorHandler handler = new DefaultErrorHandler(router,
                new FixedBackOff(200L, properties.processingRetries()));
        // Reading an unreadable record again cannot help.
        handler.addNotRetryableExceptions(UnreadableRecordException.class);
        return handler;
    }

    @Bean
    @ConditionalOnProperty(prefix = "kvmha.kafka", name = "create-topics", havingValue = "true", matchIfMissing = true)
    KafkaAdmin.NewTopics kvmhaTopics(KvmHaKafkaProperties properties) {
        return new KafkaAdmin.NewTopics(newTopics(properties.replicationFactor()).toArray(NewTopic[]::new));
    }

    /** The catalogue's topics and their dead-letter twins as Kafka admin requests. */
    public static List<NewTopic> newTopics(int replicationFactor) {
        Optional<Short> replication = replicationFactor > 0 ? Optional.of((short) replicationFactor) : Optional.empty();
        List<NewTopic> topics = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            Map<String, String> configs = new HashMap<>();
            if (topic.cleanup() == Topic.Cleanup.COMPACT) {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            } else {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
                topic.retention().ifPresent(r -> configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(r.toMillis())));
            }
            topics.add(new NewTopic(topic.topicName(), Optional.of(topic.partitions()), replication).configs(configs));
            topics.add(new NewTopic(topic.deadLetterTopicName(), Optional.of(1), replication).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(Topic.DEAD_LETTER_RETENTION.toMillis()))));
        }
        return topics;
    }
}
