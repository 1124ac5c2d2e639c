package io.kvmha.monitor.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.testing.SampleEvents;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CountsTest {

    @Test
    void hostsAreCountedByTheirLatestState() {
        HostStateCounts counts = new HostStateCounts();
        counts.apply(SampleEvents.healthChange("h1", HostState.ONLINE, HostState.DOWN));
        counts.apply(SampleEvents.healthChange("h1", HostState.ONLINE, HostState.DOWN));
        counts.apply(SampleEvents.healthChange("h2", HostState.SUSPECT, HostState.ONLINE));
        counts.apply(SampleEvents.healthChange("h3", HostState.DOWN, HostState.ONLINE));

        assertThat(counts.count(HostState.DOWN)).isEqualTo(1);
        assertThat(counts.count(HostState.ONLINE)).isEqualTo(2);

        counts.apply(SampleEvents.healthChange("h1", HostState.DOWN, HostState.ONLINE));
        counts.forget(Set.of("h2"));
        assertThat(counts.count(HostState.DOWN)).isZero();
        assertThat(counts.count(HostState.ONLINE)).isEqualTo(2);
    }

    @Test
    void incidentsAreCountedByTheirLatestStatusIgnoringOlderRecords() {
        IncidentStatusCounts counts = new IncidentStatusCounts();
        Instant t0 = Instant.parse("2026-11-27T12:00:00Z");
        counts.apply(record("inc-1", RecoveryRecord.Status.OPEN, t0));
        counts.apply(record("inc-2", RecoveryRecord.Status.OPEN, t0));
        counts.apply(record("inc-1", RecoveryRecord.Status.RECOVERED, t0.plusSeconds(5)));
        counts.apply(record("inc-1", RecoveryRecord.Status.OPEN, t0)); // a replayed older record

        assertThat(counts.count(RecoveryRecord.Status.OPEN)).isEqualTo(1);
        assertThat(counts.count(RecoveryRecord.Status.RECOVERED)).isEqualTo(1);
        assertThat(counts.statusOf("inc-1")).contains(RecoveryRecord.Status.RECOVERED);
    }

    static RecoveryRecord record(String incident, RecoveryRecord.Status status, Instant at) {
        return new RecoveryRecord(incident, "h1", status, "UNSAFE: no fencing configured", List.of(), List.of(), at);
    }
}
