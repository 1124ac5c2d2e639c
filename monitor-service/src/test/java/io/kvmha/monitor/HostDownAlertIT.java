package io.kvmha.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.core.HostStateCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The walking skeleton's monitor step end to end: host.health in, KvmHostDown out on kvmha.alerts. */
class HostDownAlertIT extends EmbeddedKafkaContext {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final Instant DOWN_AT = Instant.parse("2026-11-27T12:00:00Z");
    static final Instant BACK_AT = Instant.parse("2026-11-27T12:03:00Z");

    @Autowired
    EventPublisher publisher;
    @Autowired
    HostStateCounts hosts;

    @Test
    void aHostGoingDownFiresKvmHostDownAndItsReturnResolvesIt() throws Exception {
        try (AlertsTopic alerts = new AlertsTopic(broker.getBrokersAsString())) {
            publisher.publish(new HostHealthChange("h1", HostState.ONLINE, HostState.DOWN,
                    List.of("no heartbeat for 2.1 s"), "inc-h1", DOWN_AT)).get();

            Alert firing = alerts.await(a -> isFor(a, "h1") && a.status() == Alert.Status.FIRING, TIMEOUT);
            assertThat(firing.name()).isEqualTo("KvmHostDown");
            assertThat(firing.severity()).isEqualTo(Alert.Severity.CRITICAL);
            assertThat(firing.labels()).isEqualTo(Map.of("alertname", "KvmHostDown", "host", "h1", "severity", "critical"));
            assertThat(firing.annotations())
                    .containsEntry("summary", "Host h1 is down")
                    .containsEntry("runbook_url", "https://kvm-ha.dev/docs/OPERATIONS.md#kvmhostdown")
                    .hasEntrySatisfying("description", d -> assertThat(d).contains("no heartbeat for 2.1 s", "inc-h1"));
            assertThat(firing.startsAt()).isEqualTo(DOWN_AT);
            assertThat(firing.endsAt()).isNull();
            assertThat(firing.fingerprint()).matches("[0-9a-f]{16}");

            publisher.publish(new HostHealthChange("h1", HostState.DOWN, HostState.ONLINE,
                    List.of("heartbeat resumed"), "inc-h1", BACK_AT)).get();

            Alert resolved = alerts.await(a -> isFor(a, "h1") && a.status() == Alert.Status.RESOLVED, TIMEOUT);
            assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
            assertThat(resolved.startsAt()).isEqualTo(DOWN_AT);
            assertThat(resolved.endsAt()).isEqualTo(BACK_AT);
            assertThat(resolved.annotations()).isEqualTo(firing.annotations());
            assertThat(resolved.labels()).isEqualTo(firing.labels());
            assertThat(hosts.stateOf("h1")).contains(HostState.ONLINE);
        }
    }

    @Test
    void aRepeatedDownIsNotPublishedTwice() throws Exception {
        HostHealthChange down = new HostHealthChange("h-repeat", HostState.ONLINE, HostState.DOWN,
                List.of("no heartbeat"), "inc-r", DOWN_AT);
        try (AlertsTopic alerts = new AlertsTopic(broker.getBrokersAsString())) {
            publisher.publish(down).get();
            publisher.publish(down).get();
            // A marker behind both on the same partition (same key): once it is processed, so are they.
            publisher.publish(new HostHealthChange("h-repeat", HostState.DOWN, HostState.ONLINE, List.of(), "inc-r",
                    BACK_AT)).get();

            alerts.await(a -> isFor(a, "h-repeat") && a.status() == Alert.Status.RESOLVED, TIMEOUT);
            assertThat(alerts.seen()).filteredOn(a -> isFor(a, "h-repeat"))
                    .extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        }
    }

    @Test
    void aTombstoneResolvesTheAlertOfARemovedHost() throws Exception {
        try (AlertsTopic alerts = new AlertsTopic(broker.getBrokersAsString())) {
            publisher.publish(new HostHealthChange("h-gone", HostState.ONLINE, HostState.FENCED, List.of(), null,
                    DOWN_AT)).get();
            Alert firing = alerts.await(a -> isFor(a, "h-gone") && a.status() == Alert.Status.FIRING, TIMEOUT);

            publisher.tombstone(Topic.HOST_HEALTH, "h-gone").get();

            Alert resolved = alerts.await(a -> isFor(a, "h-gone") && a.status() == Alert.Status.RESOLVED, TIMEOUT);
            assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
            assertThat(resolved.endsAt()).isNotNull();
            await().atMost(TIMEOUT).until(() -> hosts.stateOf("h-gone").isEmpty());
        }
    }

    static boolean isFor(Alert alert, String host) {
        return "KvmHostDown".equals(alert.name()) && host.equals(alert.labels().get("host"));
    }
}
