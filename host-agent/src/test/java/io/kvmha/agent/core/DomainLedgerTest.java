package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.VmLifecycleEvent.Kind;
import io.kvmha.contracts.event.VmLifecycleEvent.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainLedgerTest {

    final DomainLedger ledger = new DomainLedger();

    static HypervisorDomain d(String id, DomainState state) {
        return new HypervisorDomain(id, "vm-" + id, state);
    }

    @Test
    void atStartUpEverythingFoundIsReportedOnce() {
        List<DomainLifecycleChange> changes = ledger.reconcile(List.of(d("a", DomainState.RUNNING), d("b", DomainState.SHUTOFF),
                d("c", DomainState.PAUSED)));
        assertThat(changes).extracting(DomainLifecycleChange::uuid, DomainLifecycleChange::kind)
                .containsExactly(tuple("a", Kind.DEFINED), tuple("a", Kind.STARTED), tuple("b", Kind.DEFINED),
                        tuple("c", Kind.DEFINED), tuple("c", Kind.STARTED), tuple("c", Kind.SUSPENDED));
        assertThat(changes).allMatch(DomainLifecycleChange::reconciled);
        assertThat(ledger.reconcile(List.of(d("a", DomainState.RUNNING), d("b", DomainState.SHUTOFF),
                d("c", DomainState.PAUSED)))).isEmpty();
    }

    @Test
    void whatHappenedWhileDisconnectedBecomesReconciledChanges() {
        ledger.reconcile(List.of(d("a", DomainState.RUNNING), d("b", DomainState.RUNNING), d("c", DomainState.RUNNING),
                d("d", DomainState.SHUTOFF), d("e", DomainState.PAUSED)));

        List<DomainLifecycleChange> changes = ledger.reconcile(List.of(
                d("a", DomainState.RUNNING),     // unchanged
                d("b", DomainState.SHUTOFF),     // stopped during the outage
                d("d", DomainState.RUNNING),     // started
                d("e", DomainState.RUNNING),     // resumed
                d("f", DomainState.CRASHED)));   // new, crashed: defined only
        // c vanished while running: stopped and undefined (a transient domain that stopped, or undefined).
        assertThat(changes).extracting(DomainLifecycleChange::uuid, DomainLifecycleChange::kind, DomainLifecycleChange::reason)
                .containsExactly(
                        tuple("c", Kind.STOPPED, Reason.UNKNOWN), tuple("c", Kind.UNDEFINED, Reason.UNKNOWN),
                        tuple("b", Kind.STOPPED, Reason.UNKNOWN),
                        tuple("d", Kind.STARTED, Reason.UNKNOWN),
                        tuple("e", Kind.RESUMED, Reason.UNKNOWN),
                        tuple("f", Kind.DEFINED, Reason.UNKNOWN));
    }

    @Test
    void liveEventsKeepTheLedgerCurrentSoNothingIsReportedTwice() {
        ledger.apply(new DomainLifecycleChange("a", "vm-a", Kind.DEFINED, Reason.UNKNOWN));
        ledger.apply(new DomainLifecycleChange("a", "vm-a", Kind.STARTED, Reason.BOOTED));
        ledger.apply(new DomainLifecycleChange("b", "vm-b", Kind.DEFINED, Reason.UNKNOWN));
        ledger.apply(new DomainLifecycleChange("b", "vm-b", Kind.UNDEFINED, Reason.UNKNOWN));
        assertThat(ledger.reconcile(List.of(d("a", DomainState.RUNNING)))).isEmpty();

        ledger.apply(new DomainLifecycleChange("a", "vm-a", Kind.STOPPED, Reason.CRASHED));
        assertThat(ledger.reconcile(List.of(d("a", DomainState.CRASHED)))).isEmpty();
        assertThat(ledger.reconcile(List.of(d("a", DomainState.RUNNING))))
                .extracting(DomainLifecycleChange::kind).containsExactly(Kind.STARTED);
        assertThat(ledger.reconcile(List.of(d("a", DomainState.CRASHED))))
                .extracting(DomainLifecycleChange::kind, DomainLifecycleChange::reason)
                .containsExactly(tuple(Kind.STOPPED, Reason.CRASHED));
    }
}
