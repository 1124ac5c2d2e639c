package io.kvmha.failover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailoverPropertiesTest {

    @Test
    void downAfterMustExceedSuspectAfter() {
        assertThatThrownBy(() -> new FailoverProperties(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofMillis(100), 8, Duration.ofSeconds(60)))
                .hasMessageContaining("down-after");
    }

    @Test
    void mapsToTheCoreSettings() {
        var properties = new FailoverProperties(Duration.ofMillis(300), Duration.ofMillis(900), Duration.ofMillis(50), 3,
                Duration.ofSeconds(30));
        assertThat(properties.thresholds().downAfter()).isEqualTo(Duration.ofMillis(900));
        assertThat(properties.recoveryPolicy().maxConcurrentStarts()).isEqualTo(3);
        assertThat(properties.recoveryPolicy().issuedBy()).isEqualTo("failover-service");
    }
}
