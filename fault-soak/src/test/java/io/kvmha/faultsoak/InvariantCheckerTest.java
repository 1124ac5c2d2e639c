package io.kvmha.faultsoak;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.agent.core.DomainType;
import io.kvmha.agent.core.DomainXmlBuilder;
import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checkers catch what they are there to catch: each invariant broken on purpose. */
class InvariantCheckerTest {

    private final World world = new World(1, true);
    private final History history = new History(world);
    private final VmSpec spec = new VmSpec("vm-1", "vm1", 1, 1024, Tier.GOLD, HaPolicy.RESTART, 50, Map.of(), World.START);

    private void advance(Duration d) {
        world.runUntil(world.now().plus(d));
    }

    private List<Violation.Kind> kinds() {
        return history.violations().stream().map(Violation::kind).toList();
    }

    /** Two hosts with the VM defined on both, running on the first. */
    private SimHypervisor[] runningOnFirstOfTwo() {
        SimHypervisor a = new SimHypervisor("h1", history);
        SimHypervisor b = new SimHypervisor("h2", history);
        String xml = DomainXmlBuilder.toXml(spec, DomainType.TEST);
        a.define(xml);
        a.start("vm-1");
        b.define(xml);
        return new SimHypervisor[] {a, b};
    }

    @Test
    void aVmStartedOnTwoHostsIsADoubleRunTheMomentItHappens() {
        SimHypervisor[] hosts = runningOnFirstOfTwo();
        assertThat(history.violations()).isEmpty();
        hosts[1].start("vm-1");
        assertThat(kinds()).containsExactly(Violation.Kind.DOUBLE_RUN);
        assertThat(history.violations().get(0).detail()).contains("vm=vm-1", "h1", "h2");
    }

    @Test
    void aVmMovedAfterItStoppedIsNoDoubleRun() {
        SimHypervisor[] hosts = runningOnFirstOfTwo();
        hosts[0].powerLost();
        hosts[1].start("vm-1");
        assertThat(history.violations()).isEmpty();
    }

    @Test
    void aHealthyHostFencedIsCaughtAndAnImpairedOneIsNot() {
        history.impaired("h2", Impairment.PARTITION);
        advance(Duration.ofSeconds(5));
        history.restored("h2", Impairment.PARTITION);
        history.fenced("h2", "powered off by its BMC");
        assertThat(history.violations()).isEmpty();
        history.fenced("h1", "powered off by its BMC");
        assertThat(kinds()).containsExactly(Violation.Kind.HEALTHY_HOST_FENCED);
    }

    @Test
    void anImpairmentLongAgoDoesNotExcuseAFence() {
        history.impaired("h1", Impairment.SLOW);
        advance(Duration.ofSeconds(1));
        history.restored("h1", Impairment.SLOW);
        advance(History.FENCE_EXCUSE_WINDOW.plusSeconds(1));
        history.fenced("h1", "declared FENCED");
        assertThat(kinds()).containsExactly(Violation.Kind.HEALTHY_HOST_FENCED);
    }

    @Test
    void aCommandThatChangesTheHypervisorInTwoExecutionsIsExecutedTwice() {
        SimHypervisor a = new SimHypervisor("h1", history);
        a.define(DomainXmlBuilder.toXml(spec, DomainType.TEST));
        a.beginCommand("c-1", 1);
        a.start("vm-1");
        a.endCommand();
        a.destroy("vm-1"); // outside any command (a self-fence)
        a.beginCommand("c-1", 1);
        assertThat(history.violations()).isEmpty();
        a.beginCommand("c-1", 2);
        a.start("vm-1");
        a.endCommand();
        assertThat(kinds()).containsExactly(Violation.Kind.COMMAND_EXECUTED_TWICE);
    }

    @Test
    void aCommandWithoutResultToAReachableHostIsLost() {
        HostCommand answered = command("c-1", "h1");
        HostCommand lost = command("c-2", "h1");
        HostCommand excused = command("c-3", "h2");
        history.record(answered);
        history.record(lost);
        history.record(excused);
        history.record(new CommandResult("c-1", "h1", "vm-1", HostCommand.Action.START, CommandResult.Outcome.SUCCEEDED,
                null, 0, null, world.now()));
        history.impaired("h2", Impairment.POWER_OFF);
        history.finish(Map.of());
        assertThat(kinds()).containsExactly(Violation.Kind.COMMAND_LOST);
        assertThat(history.violations().get(0).detail()).contains("command=c-2");
    }

    @Test
    void anHaVmRunningNowhereNeedsAnAlertThatExplainsIt() {
        VmSpec unprotected = new VmSpec("vm-2", "vm2", 1, 1024, Tier.BRONZE, HaPolicy.NONE, 1, Map.of(), World.START);
        history.domain("h1", "vm-1", true);
        history.domain("h1", "vm-2", true);
        history.domain("h1", "vm-1", false);
        history.domain("h1", "vm-2", false);
        history.finish(Map.of("vm-1", spec, "vm-2", unprotected));
        assertThat(kinds()).containsExactly(Violation.Kind.HA_VM_NOT_RUNNING);
        assertThat(history.violations().get(0).detail()).contains("vm=vm-1");
    }

    @Test
    void aRecoveryFailedAlertExplainsAnHaVmRunningNowhere() {
        history.domain("h1", "vm-1", true);
        history.domain("h1", "vm-1", false);
        history.record(new Alert("failover-vm-recovery-failed-vm-1", "KvmVmRecoveryFailed", Alert.Status.FIRING,
                Alert.Severity.CRITICAL, Map.of("alertname", "KvmVmRecoveryFailed", "vm", "vm-1", "host", "h1"),
                Map.of("summary", "s"), world.now(), null));
        history.finish(Map.of("vm-1", spec));
        assertThat(history.violations()).isEmpty();
    }

    @Test
    void aBmcThatLiesIsCaughtAsAVmRunningTwiceInAWholeRun() {
        Schedule base = Schedule.generate(3);
        String victim = base.hosts().get(0);
        Schedule planted = new Schedule(3, base.hosts(), base.vms(), List.of(new Fault(Fault.Kind.PARTITION,
                Duration.ofSeconds(1), Duration.ofSeconds(20), List.of(victim), null, 0)));
        SoakRun run = new SoakRun(planted, true);
        run.bmc(victim).mode(SimBmc.Mode.LIES);
        SoakRun.Result result = run.run();
        assertThat(result.violations()).extracting(Violation::kind).contains(Violation.Kind.DOUBLE_RUN);
    }

    private HostCommand command(String id, String host) {
        return new HostCommand(id, host, "vm-1", HostCommand.Action.START, null, 0, null, "failover-service", world.now(),
                world.now().plusSeconds(60));
    }
}
