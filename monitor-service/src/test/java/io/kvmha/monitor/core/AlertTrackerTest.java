package io.kvmha.monitor.core;

import io.kvmha.contracts.testing.VirtualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.KvmHaEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lifecycle the tracker runs for any rule: for, keep_firing_for, commit after the sink. */
class AlertTrackerTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    final VirtualClock clock = new VirtualClock(T0);
    final List<AlertTransition> sent = new ArrayList<>();

    /** Fires on a host in SUSPECT state, with configurable timers. */
    record SuspectRule(Duration pendingFor, Duration keepFiringFor) implements EventRule {
        @Override
        public String alertName() {
            return "KvmHostSuspect";
        }

        @Override
        public List<AlertCondition> evaluate(KvmHaEvent event) {
            if (!(event instanceof HostHealthChange c)) {
                return List.of();
            }
            Map<String, String> labels = Map.of("alertname", alertName(), "host", c.hostId());
            return List.of(c.current() == HostState.SUSPECT
                    ? AlertCondition.holds(alertName(), Alert.Severity.WARNING, labels, Map.of("summary", "suspect"), c.changedAt())
                    : AlertCondition.cleared(alertName(), Alert.Severity.WARNING, labels, c.changedAt()));
        }
    }

    static HostHealthChange suspect(Instant at) {
        return new HostHealthChange("h1", HostState.ONLINE, HostState.SUSPECT, List.of(), null, at);
    }

    static HostHealthChange online(Instant at) {
        return new HostHealthChange("h1", HostState.SUSPECT, HostState.ONLINE, List.of(), null, at);
    }

    @Test
    void aConditionIsPendingUntilItsForElapsedThenFiresWithTheOriginalStartsAt() {
        AlertTracker tracker = new AlertTracker(List.of(new SuspectRule(Duration.ofSeconds(30), Duration.ZERO)), clock);

        tracker.observe(suspect(T0), sent::add);
        assertThat(sent).singleElement().satisfies(t -> {
            assertThat(t.alert().state()).isEqualTo(AlertState.PENDING);
            assertThat(t.isVisible()).isFalse();
        });

        clock.advance(Duration.ofSeconds(29));
        tracker.tick(sent::add);
        assertThat(sent).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        tracker.tick(sent::add);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).previous()).isEqualTo(AlertState.PENDING);
        assertThat(sent.get(1).alert().state()).isEqualTo(AlertState.FIRING);
        assertThat(sent.get(1).alert().startsAt()).isEqualTo(T0);
    }

    @Test
    void aPendingAlertWhoseConditionClearsIsDroppedSilently() {
        AlertTracker tracker = new AlertTracker(List.of(new SuspectRule(Duration.ofSeconds(30), Duration.ZERO)), clock);

        tracker.observe(suspect(T0), sent::add);
        tracker.observe(online(T0.plusSeconds(5)), sent::add);
        clock.advance(Duration.ofMinutes(1));
        tracker.tick(sent::add);

        assertThat(sent).extracting(t -> t.alert().state()).containsExactly(AlertState.PENDING);
        assertThat(tracker.active()).isEmpty();
    }

    @Test
    void keepFiringForHoldsTheAlertAfterItsConditionCleared() {
        AlertTracker tracker = new AlertTracker(List.of(new SuspectRule(Duration.ZERO, Duration.ofSeconds(60))), clock);
        tracker.observe(suspect(T0), sent::add);
        tracker.observe(online(T0.plusSeconds(10)), sent::add);
        assertThat(sent).extracting(t -> t.alert().state()).containsExactly(AlertState.FIRING);

        clock.advance(Duration.ofSeconds(69));
        tracker.tick(sent::add);
        assertThat(sent).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        tracker.tick(sent::add);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).alert().state()).isEqualTo(AlertState.RESOLVED);
        assertThat(sent.get(1).alert().endsAt()).isEqualTo(T0.plusSeconds(70));
    }

    @Test
    void aConditionHoldingAgainDuringKeepFiringForCancelsTheResolve() {
        AlertTracker tracker = new AlertTracker(List.of(new SuspectRule(Duration.ZERO, Duration.ofSeconds(60))), clock);
        tracker.observe(suspect(T0), sent::add);
        tracker.observe(online(T0.plusSeconds(10)), sent::add);
        tracker.observe(suspect(T0.plusSeconds(20)), sent::add);

        clock.advance(Duration.ofMinutes(5));
        tracker.tick(sent::add);

        assertThat(sent).hasSize(1);
        assertThat(tracker.active()).singleElement().extracting(AlertInstance::startsAt).isEqualTo(T0);
    }

    @Test
    void aSinkThatFailsLeavesTheStateSoTheSameEventYieldsTheTransitionAgain() {
        AlertTracker tracker = new AlertTracker(List.of(new HostDownRule("docs/OPERATIONS.md")), clock);
        HostHealthChange down = new HostHealthChange("h1", HostState.ONLINE, HostState.DOWN, List.of(), null, T0);

        assertThatThrownBy(() -> tracker.observe(down, t -> {
            throw new IllegalStateException("broker unreachable");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(tracker.active()).isEmpty();

        tracker.observe(down, sent::add);
        assertThat(sent).singleElement().extracting(t -> t.alert().state()).isEqualTo(AlertState.FIRING);
    }

    @Test
    void resolveWhereResolvesFiringAlertsOfAHostAtClockTime() {
        AlertTracker tracker = new AlertTracker(List.of(new HostDownRule("docs/OPERATIONS.md")), clock);
        tracker.observe(new HostHealthChange("h1", HostState.ONLINE, HostState.DOWN, List.of(), null, T0), sent::add);
        tracker.observe(new HostHealthChange("h2", HostState.ONLINE, HostState.DOWN, List.of(), null, T0), sent::add);
        clock.advance(Duration.ofSeconds(30));

        tracker.resolveWhere(labels -> "h1".equals(labels.get("host")), sent::add);

        assertThat(sent).hasSize(3);
        assertThat(sent.get(2).alert().host()).isEqualTo("h1");
        assertThat(sent.get(2).alert().endsAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(tracker.active()).extracting(AlertInstance::host).containsExactly("h2");
    }

    @Test
    void forgetWhereDropsAlertsWithoutTransitions() {
        AlertTracker tracker = new AlertTracker(List.of(new HostDownRule("docs/OPERATIONS.md")), clock);
        tracker.observe(new HostHealthChange("h1", HostState.ONLINE, HostState.DOWN, List.of(), null, T0), sent::add);

        assertThat(tracker.forgetWhere(labels -> "h1".equals(labels.get("host")))).isEqualTo(1);
        assertThat(sent).hasSize(1);
        assertThat(tracker.active()).isEmpty();
    }

    @Test
    void endsAtIsNeverBeforeStartsAt() {
        AlertTracker tracker = new AlertTracker(List.of(new HostDownRule("docs/OPERATIONS.md")), clock);
        tracker.observe(new HostHealthChange("h1", HostState.ONLINE, HostState.DOWN, List.of(), null, T0), sent::add);
        tracker.observe(new HostHealthChange("h1", HostState.DOWN, HostState.ONLINE, List.of(), null, T0.minusSeconds(3)), sent::add);

        assertThat(sent.get(1).alert().endsAt()).isEqualTo(T0);
    }

    @Test
    void ruleNamesMustBeUnique() {
        assertThatThrownBy(() -> new AlertTracker(List.of(new HostDownRule("a"), new HostDownRule("b")), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
