package io.kvmha.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.failover.config.FailoverProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** The builder the system tests use: own config file, random port, broker given on the command line. */
class FailoverApplicationIT {

    @Test
    void theBuilderStartsWithItsOwnConfigFile() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        try (ConfigurableApplicationContext context = FailoverApplication.builder()
                .run("--server.port=0", "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString())) {
            var env = context.getEnvironment();
            assertThat(env.getProperty("spring.application.name")).isEqualTo("failover-service");
            assertThat(env.getProperty("spring.kafka.consumer.group-id")).isEqualTo("failover-service");
            assertThat(env.getProperty("kvmha.kafka.source")).isEqualTo("/kvmha/failover-service");
            assertThat(env.getProperty("local.server.port", Integer.class)).isPositive();
            FailoverProperties properties = context.getBean(FailoverProperties.class);
            assertThat(properties.downAfter()).isEqualTo(Duration.ofMillis(1600));
            assertThat(properties.suspectAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(properties.tickInterval()).isEqualTo(Duration.ofMillis(50));
            assertThat(properties.maxConcurrentStarts()).isEqualTo(32);
            assertThat(properties.commandDeadline()).isEqualTo(Duration.ofSeconds(60));
        } finally {
            broker.destroy();
        }
    }
}
