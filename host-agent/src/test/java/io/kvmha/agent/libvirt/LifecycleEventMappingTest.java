package io.kvmha.agent.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.VmLifecycleEvent.Kind;
import io.kvmha.contracts.event.VmLifecycleEvent.Reason;
import org.junit.jupiter.api.Test;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.StartedDetail;
import org.libvirt.event.StoppedDetail;

class LifecycleEventMappingTest {

    static LifecycleEventMapping.Mapped map(DomainEventType type, int detail) {
        return LifecycleEventMapping.map(new DomainEvent(type, detail)).orElse(null);
    }

    @Test
    void stoppedEventsKeepWhyTheyStopped() {
        assertThat(map(DomainEventType.STOPPED, StoppedDetail.DESTROYED.ordinal()))
                .isEqualTo(new LifecycleEventMapping.Mapped(Kind.STOPPED, Reason.DESTROYED));
        assertThat(map(DomainEventType.STOPPED, StoppedDetail.CRASHED.ordinal()).reason()).isEqualTo(Reason.CRASHED);
        assertThat(map(DomainEventType.STOPPED, StoppedDetail.FAILED.ordinal()).reason()).isEqualTo(Reason.FAILED);
        assertThat(map(DomainEventType.STOPPED, StoppedDetail.SHUTDOWN.ordinal()).reason()).isEqualTo(Reason.SHUTDOWN);
        assertThat(map(DomainEventType.STOPPED, StoppedDetail.MIGRATED.ordinal()).reason()).isEqualTo(Reason.MIGRATED);
    }

    @Test
    void startedSuspendedResumedDefinedUndefined() {
        assertThat(map(DomainEventType.STARTED, StartedDetail.BOOTED.ordinal()))
                .isEqualTo(new LifecycleEventMapping.Mapped(Kind.STARTED, Reason.BOOTED));
        assertThat(map(DomainEventType.SUSPENDED, 0)).isEqualTo(new LifecycleEventMapping.Mapped(Kind.SUSPENDED, Reason.PAUSED));
        assertThat(map(DomainEventType.RESUMED, 0).kind()).isEqualTo(Kind.RESUMED);
        assertThat(map(DomainEventType.DEFINED, 0).kind()).isEqualTo(Kind.DEFINED);
        assertThat(map(DomainEventType.UNDEFINED, 0).kind()).isEqualTo(Kind.UNDEFINED);
    }

    @Test
    void announcementsWithoutOutcomeAreDropped() {
        assertThat(map(DomainEventType.SHUTDOWN, 0)).isNull();
        assertThat(map(DomainEventType.CRASHED, 0)).isNull();
    }
}
