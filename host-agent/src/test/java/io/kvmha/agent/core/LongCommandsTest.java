package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import io.kvmha.contracts.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SHUTDOWN, SET_AUTOSTART and MIGRATE against the fake hypervisor, on a virtual clock. */
class LongCommandsTest {

    static final Instant T0 = CommandExecutorTest.T0;
    static final String VM = CommandExecutorTest.VM;

    final VirtualClock clock = new VirtualClock(T0);
    final FakeHypervisor hypervisor = new FakeHypervisor();
    final List<CommandResult> progress = new CopyOnWriteArrayList<>();
    CommandExecutor executor;

    @BeforeEach
    void setUp() {
        hypervisor.connect();
        // Each pause advances the virtual clock, so deadlines pass without waiting.
        executor = new CommandExecutor("h1", hypervisor, clock, 100, new CommandAttribution(clock, Duration.ofSeconds(10)),
                d -> {
                    clock.advance(d);
                    Thread.sleep(1);
                }, Duration.ofMillis(250));
    }

    CommandResult run(HostCommand command) {
        return executor.handle(command, progress::add).orElseThrow().result();
    }

    static HostCommand command(Action action, Duration deadlineIn, HostCommand.Migration migration, Boolean autostart) {
        return new HostCommand(UUID.randomUUID().toString(), "h1", VM, action,
                action == Action.DEFINE_AND_START ? CommandExecutorTest.spec() : null, 1, null, "test", T0,
                T0.plus(deadlineIn), migration, autostart);
    }

    void running(HaPolicy policy) {
        hypervisor.domains.put(VM, new HypervisorDomain(VM, "web-1", DomainState.RUNNING, policy));
    }

    @Test
    void defineAndStartOfAnHaProtectedVmTurnsAutostartOff() {
        hypervisor.autostart.put(VM, true);
        hypervisor.put(VM, "web-1", DomainState.SHUTOFF);
        assertThat(run(command(Action.DEFINE_AND_START, Duration.ofSeconds(60), null, null)).outcome())
                .isEqualTo(Outcome.SUCCEEDED);
        assertThat(hypervisor.autostart).containsEntry(VM, false);
    }

    @Test
    void shutdownThatTheGuestObeysDoesNotDestroy() {
        running(HaPolicy.RESTART);
        CommandResult result = run(command(Action.SHUTDOWN, Duration.ofSeconds(30), null, null));
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.detail()).isEqualTo("shut down by the guest");
        assertThat(hypervisor.shutdowns).hasValue(1);
        assertThat(hypervisor.destroys).hasValue(0);
    }

    @Test
    void shutdownThatTheGuestIgnoresEndsInDestroyAtTheDeadline() {
        running(HaPolicy.RESTART);
        hypervisor.guestObeysShutdown = false;
        CommandResult result = run(command(Action.SHUTDOWN, Duration.ofSeconds(5), null, null));
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.detail()).contains("did not shut down", "destroyed");
        assertThat(hypervisor.destroys).hasValue(1);
        assertThat(result.durationMs()).isGreaterThanOrEqualTo(5000);
        assertThat(hypervisor.domains.get(VM).state()).isEqualTo(DomainState.SHUTOFF);
    }

    @Test
    void autostartIsRefusedForHaProtectedVmsAndAllowedForOthers() {
        running(HaPolicy.RESTART);
        CommandResult refused = run(command(Action.SET_AUTOSTART, Duration.ofSeconds(5), null, true));
        assertThat(refused.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(refused.error()).contains("HA-protected");
        assertThat(hypervisor.autostart).doesNotContainKey(VM);

        assertThat(run(command(Action.SET_AUTOSTART, Duration.ofSeconds(5), null, false)).outcome())
                .isEqualTo(Outcome.SUCCEEDED);
        assertThat(hypervisor.autostart).containsEntry(VM, false);

        running(HaPolicy.NONE);
        assertThat(run(command(Action.SET_AUTOSTART, Duration.ofSeconds(5), null, true)).outcome())
                .isEqualTo(Outcome.SUCCEEDED);
        assertThat(hypervisor.autostart).containsEntry(VM, true);
    }

    @Test
    void migrationSucceeds() {
        running(HaPolicy.RESTART);
        CommandResult result = run(command(Action.MIGRATE, Duration.ofSeconds(60),
                new HostCommand.Migration("h2", "qemu+tcp://10.254.77.12/system", 100, 300), null));
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.detail()).contains("h2");
        assertThat(hypervisor.migrations).hasValue(1);
        assertThat(hypervisor.domains).doesNotContainKey(VM);
    }

    @Test
    void migrationReportsProgressAndIsAbortedWhenItsDeadlinePasses() {
        running(HaPolicy.RESTART);
        hypervisor.migrationStuckAt = 42;
        HostCommand migrate = command(Action.MIGRATE, Duration.ofSeconds(3),
                new HostCommand.Migration("h2", "qemu+tcp://10.254.77.12/system", 0, 0), null);
        // The fake blocks the migration until aborted; the virtual clock only moves when the executor waits.
        Thread ticker = new Thread(() -> {
            while (hypervisor.aborts.get() == 0) {
                clock.advance(Duration.ofMillis(100));
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ticker.setDaemon(true);
        ticker.start();
        CommandResult result = run(migrate);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error()).contains("aborted", "deadline", "canceled by client");
        assertThat(hypervisor.aborts).hasValue(1);
        assertThat(progress).isNotEmpty().allSatisfy(p -> {
            assertThat(p.outcome()).isEqualTo(Outcome.IN_PROGRESS);
            assertThat(p.progressPercent()).isEqualTo(42);
            assertThat(p.commandId()).isEqualTo(migrate.commandId());
            assertThat(p.isFinal()).isFalse();
        });
    }

    @Test
    void migrationOfAVmThatIsNotRunningHereFails() {
        CommandResult result = run(command(Action.MIGRATE, Duration.ofSeconds(60),
                new HostCommand.Migration("h2", "qemu+tcp://10.254.77.12/system", 0, 0), null));
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(hypervisor.migrations).hasValue(0);
    }
}
