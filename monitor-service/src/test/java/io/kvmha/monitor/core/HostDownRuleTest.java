package io.kvmha.monitor.core;

import io.kvmha.contracts.testing.VirtualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.testing.SampleEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The KvmHostDown rule run through the tracker, as the service runs it. */
class HostDownRuleTest {

    static final Instant DOWN_AT = Instant.parse("2026-11-27T12:00:00Z");
    static final Instant BACK_AT = Instant.parse("2026-11-27T12:05:00Z");

    final VirtualClock clock = new VirtualClock(DOWN_AT);
    final AlertTracker tracker = new AlertTracker(List.of(new HostDownRule("docs/OPERATIONS.md")), clock);
    final List<AlertTransition> sent = new ArrayList<>();

    static HostHealthChange change(String host, HostState from, HostState to, Instant at) {
        return new HostHealthChange(host, from, to, List.of("no heartbeat for 2.0 s"), "inc-1", at);
    }

    @Test
    void aHostGoingDownFiresACriticalAlertWithLabelsAndAnnotations() {
        tracker.observe(change("h1", HostState.ONLINE, HostState.DOWN, DOWN_AT), sent::add);

        assertThat(sent).singleElement().satisfies(t -> {
            assertThat(t.previous()).isNull();
            AlertInstance alert = t.alert();
            assertThat(alert.state()).isEqualTo(AlertState.FIRING);
            assertThat(alert.name()).isEqualTo("KvmHostDown");
            assertThat(alert.severity()).isEqualTo(Alert.Severity.CRITICAL);
            assertThat(alert.labels()).isEqualTo(Map.of("alertname", "KvmHostDown", "host", "h1", "severity", "critical"));
            assertThat(alert.annotations()).containsEntry("summary", "Host h1 is down")
                    .containsEntry("runbook_url", "docs/OPERATIONS.md#kvmhostdown");
            assertThat(alert.annotations().get("description"))
                    .contains("h1", "ONLINE", "DOWN", "no heartbeat for 2.0 s", "inc-1");
            assertThat(alert.startsAt()).isEqualTo(DOWN_AT);
            assertThat(alert.endsAt()).isNull();
            assertThat(alert.fingerprint()).isEqualTo(Fingerprint.of("KvmHostDown", alert.labels()));
        });
        assertThat(tracker.firing(Alert.Severity.CRITICAL)).isEqualTo(1);
    }

    @Test
    void aFencedHostFiresToo() {
        tracker.observe(change("h1", HostState.FENCING, HostState.FENCED, DOWN_AT), sent::add);

        assertThat(sent).singleElement().extracting(t -> t.alert().state()).isEqualTo(AlertState.FIRING);
    }

    @Test
    void theReturnToOnlineResolvesTheSameAlertWithEndsAtAndFullAnnotations() {
        tracker.observe(change("h1", HostState.ONLINE, HostState.DOWN, DOWN_AT), sent::add);
        AlertInstance fired = sent.get(0).alert();

        tracker.observe(change("h1", HostState.DOWN, HostState.ONLINE, BACK_AT), sent::add);

        assertThat(sent).hasSize(2);
        AlertTransition resolved = sent.get(1);
        assertThat(resolved.previous()).isEqualTo(AlertState.FIRING);
        assertThat(resolved.alert().state()).isEqualTo(AlertState.RESOLVED);
        assertThat(resolved.alert().fingerprint()).isEqualTo(fired.fingerprint());
        assertThat(resolved.alert().startsAt()).isEqualTo(DOWN_AT);
        assertThat(resolved.alert().endsAt()).isEqualTo(BACK_AT);
        assertThat(resolved.alert().annotations()).isEqualTo(fired.annotations());
        assertThat(resolved.alert().labels()).isEqualTo(fired.labels());
        assertThat(tracker.active()).isEmpty();
        assertThat(tracker.firing(Alert.Severity.CRITICAL)).isZero();
    }

    @Test
    void aRepeatedDownDoesNotFireASecondAlert() {
        tracker.observe(change("h1", HostState.ONLINE, HostState.DOWN, DOWN_AT), sent::add);
        tracker.observe(change("h1", HostState.ONLINE, HostState.DOWN, DOWN_AT), sent::add);
        tracker.observe(change("h1", HostState.DOWN, HostState.FENCED, DOWN_AT.plusSeconds(1)), sent::add);

        assertThat(sent).hasSize(1);
        assertThat(tracker.active()).singleElement().extracting(AlertInstance::startsAt).isEqualTo(DOWN_AT);
    }

    @Test
    void onlineWithoutAFiringAlertPublishesNothing() {
        tracker.observe(change("h1", HostState.DOWN, HostState.ONLINE, BACK_AT), sent::add);
        tracker.observe(change("h1", HostState.ONLINE, HostState.DOWN, DOWN_AT), sent::add);
        tracker.observe(change("h1", HostState.DOWN, HostState.ONLINE, BACK_AT), sent::add);
        tracker.observe(change("h1", HostState.DOWN, HostState.ONLINE, BACK_AT), sent::add);

        assertThat(sent).extracting(t -> t.alert().state()).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    }

    @Test
    void intermediateStatesNeitherFireNorResolve() {
        tracker.observe(change("h1", HostState.ONLINE, HostState.SUSPECT, DOWN_AT), sent::add);
        assertThat(sent).isEmpty();

        tracker.observe(change("h1", HostState.SUSPECT, HostState.DOWN, DOWN_AT), sent::add);
        tracker.observe(change("h1", HostState.DOWN, HostState.RECOVERING, BACK_AT), sent::add);
        assertThat(sent).hasSize(1);
        assertThat(tracker.firing(Alert.Severity.CRITICAL)).isEqualTo(1);
    }

    @Test
    void eachHostHasItsOwnAlert() {
        tracker.observe(change("h1", HostState.ONLINE, HostState.DOWN, DOWN_AT), sent::add);
        tracker.observe(change("h2", HostState.ONLINE, HostState.DOWN, DOWN_AT), sent::add);

        assertThat(sent).extracting(t -> t.alert().fingerprint()).doesNotHaveDuplicates().hasSize(2);

        tracker.observe(change("h1", HostState.DOWN, HostState.ONLINE, BACK_AT), sent::add);
        assertThat(tracker.active()).singleElement().extracting(AlertInstance::host).isEqualTo("h2");
    }

    @Test
    void aRestartedTrackerReSendsTheSameFiringAlert() {
        HostHealthChange down = change("h1", HostState.ONLINE, HostState.DOWN, DOWN_AT);
        tracker.observe(down, sent::add);

        List<AlertTransition> afterRestart = new ArrayList<>();
        clock.advance(java.time.Duration.ofMinutes(10));
        new AlertTracker(List.of(new HostDownRule("docs/OPERATIONS.md")), clock).observe(down, afterRestart::add);

        assertThat(afterRestart).singleElement().extracting(AlertTransition::alert).isEqualTo(sent.get(0).alert());
    }

    @Test
    void theRunbookBaseUrlIsConfigurable() {
        HostDownRule rule = new HostDownRule("https://kvm-ha.dev/docs/OPERATIONS.md");

        assertThat(rule.evaluate(SampleEvents.healthChange("h1", HostState.ONLINE, HostState.DOWN)))
                .singleElement()
                .satisfies(c -> assertThat(c.annotations())
                        .containsEntry("runbook_url", "https://kvm-ha.dev/docs/OPERATIONS.md#kvmhostdown"));
    }

    @Test
    void otherEventsAreIgnored() {
        assertThat(new HostDownRule("x").evaluate(SampleEvents.heartbeat("h1", 1))).isEmpty();
    }
}
