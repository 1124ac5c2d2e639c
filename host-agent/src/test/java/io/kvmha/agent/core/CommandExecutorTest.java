package io.kvmha.agent.core;

import io.kvmha.contracts.testing.VirtualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent.Kind;
import io.kvmha.contracts.event.VmSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommandExecutorTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    static final String VM = "7b0c6c2e-4f0e-4b1a-9d0e-2f7a4c1b9e01";

    final VirtualClock clock = new VirtualClock(T0);
    final FakeHypervisor hypervisor = new FakeHypervisor();
    final CommandAttribution attribution = new CommandAttribution(clock, Duration.ofSeconds(10));
    CommandExecutor executor;

    @BeforeEach
    void setUp() {
        hypervisor.connect();
        executor = new CommandExecutor("h1", hypervisor, clock, 3, attribution);
    }

    static VmSpec spec() {
        return new VmSpec(VM, "web-1", 2, 512, Tier.GOLD, HaPolicy.RESTART, 10, Map.of(), T0);
    }

    static HostCommand command(Action action, String host) {
        return new HostCommand(UUID.randomUUID().toString(), host, VM, action,
                action == Action.DEFINE_AND_START ? spec() : null, 1, "inc-1", "test", T0, T0.plusSeconds(60));
    }

    CommandResult handle(HostCommand command) {
        return executor.handle(command).orElseThrow().result();
    }

    @Test
    void defineAndStartDefinesTheDomainWithTheVmIdAsUuidAndStartsIt() {
        HostCommand command = command(Action.DEFINE_AND_START, "h1");
        CommandResult result = handle(command);

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.commandId()).isEqualTo(command.commandId());
        assertThat(result.hostId()).isEqualTo("h1");
        assertThat(result.incidentId()).isEqualTo("inc-1");
        assertThat(result.action()).isEqualTo(Action.DEFINE_AND_START);
        assertThat(result.error()).isNull();
        assertThat(hypervisor.starts).hasValue(1);
        assertThat(hypervisor.domains.get(VM).state()).isEqualTo(DomainState.RUNNING);
        assertThat(hypervisor.definedXml.get(0)).contains("<uuid>" + VM + "</uuid>", "<name>web-1</name>");
    }

    @Test
    void aStartWhosePlacementMovedOnIsRefusedAndNothingStarts() {
        PlacementBook book = new PlacementBook("h1");
        executor.usePlacements(book, Duration.ZERO, Duration.ZERO);
        book.put(new io.kvmha.contracts.event.Placement(VM, "h1", 1, java.util.List.of(), "create", null, T0));
        book.put(new io.kvmha.contracts.event.Placement(VM, "h2", 2, java.util.List.of(), "recovered", "inc-2", T0));

        CommandResult result = handle(command(Action.DEFINE_AND_START, "h1"));

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.error()).contains("stale command").contains("superseded by generation 2 on h2");
        assertThat(hypervisor.starts).hasValue(0);
        assertThat(hypervisor.definedXml).isEmpty();
    }

    @Test
    void aStartIssuedBeforeTheAgentBeganWaitsForThePlacementsAndIsRefusedWithoutThem() {
        PlacementBook book = new PlacementBook("h1");
        clock.advance(Duration.ofSeconds(30));
        CommandExecutor restarted = new CommandExecutor("h1", hypervisor, clock, 3, attribution);
        restarted.usePlacements(book, Duration.ZERO, Duration.ofMillis(20));

        CommandResult unconfirmed = restarted.handle(command(Action.DEFINE_AND_START, "h1")).orElseThrow().result();

        assertThat(unconfirmed.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(unconfirmed.error()).contains("before this agent started");
        assertThat(hypervisor.starts).hasValue(0);

        book.put(new io.kvmha.contracts.event.Placement(VM, "h1", 1, java.util.List.of(), "create", null, T0));
        book.markCaughtUp();
        assertThat(restarted.handle(command(Action.DEFINE_AND_START, "h1")).orElseThrow().result().outcome())
                .as("confirmed by the replayed placement").isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void redeliveredCommandGetsItsFirstResultAndIsNotExecutedAgain() {
        HostCommand command = command(Action.DEFINE_AND_START, "h1");
        CommandExecutor.Handling first = executor.handle(command).orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        CommandExecutor.Handling second = executor.handle(command).orElseThrow();

        assertThat(second.replayed()).isTrue();
        assertThat(second.result()).isEqualTo(first.result());
        assertThat(hypervisor.starts).hasValue(1);
        assertThat(hypervisor.definedXml).hasSize(1);
    }

    @Test
    void defineAndStartOfARunningDomainSucceedsWithoutASecondStart() {
        hypervisor.put(VM, "web-1", DomainState.RUNNING);
        CommandExecutor.Handling handling = executor.handle(command(Action.DEFINE_AND_START, "h1")).orElseThrow();

        assertThat(handling.result().outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(handling.note()).contains("already RUNNING");
        assertThat(hypervisor.starts).hasValue(0);
        assertThat(hypervisor.definedXml).isEmpty();
    }

    @Test
    void commandsForOtherHostsAreIgnored() {
        assertThat(executor.handle(command(Action.DEFINE_AND_START, "h2"))).isEmpty();
        assertThat(hypervisor.definedXml).isEmpty();
    }

    @Test
    void commandPastItsDeadlineIsRejectedWithAReasonAndNotExecuted() {
        HostCommand command = command(Action.DEFINE_AND_START, "h1");
        clock.advance(Duration.ofSeconds(61));
        CommandResult result = handle(command);

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.error()).contains("past its deadline");
        assertThat(hypervisor.definedXml).isEmpty();
    }

    @Test
    void commandWhoseSpecNamesAnotherVmIsRejected() {
        HostCommand command = new HostCommand("c-1", "h1", UUID.randomUUID().toString(), Action.DEFINE_AND_START,
                spec(), 1, null, "test", T0, T0.plusSeconds(60));
        assertThat(handle(command).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(handle(command).error()).contains("does not match spec.vmId");
    }

    @Test
    void hypervisorFailureIsReportedWithItsOwnMessage() {
        hypervisor.defineFailure = "XML error: expected unit 'MiB'";
        CommandResult result = handle(command(Action.DEFINE_AND_START, "h1"));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error()).isEqualTo("XML error: expected unit 'MiB'");
    }

    @Test
    void disconnectedHypervisorFailsTheCommand() {
        hypervisor.close();
        CommandResult result = handle(command(Action.START, "h1"));
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error()).contains("not connected");
    }

    @Test
    void startDestroyAndUndefineAreLevelTriggered() {
        hypervisor.put(VM, "web-1", DomainState.SHUTOFF);

        assertThat(handle(command(Action.START, "h1")).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(handle(command(Action.START, "h1")).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(hypervisor.starts).hasValue(1);

        assertThat(handle(command(Action.DESTROY, "h1")).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(handle(command(Action.DESTROY, "h1")).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(hypervisor.destroys).hasValue(1);

        assertThat(handle(command(Action.UNDEFINE, "h1")).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(handle(command(Action.UNDEFINE, "h1")).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(hypervisor.undefines).hasValue(1);
        assertThat(hypervisor.domains).isEmpty();
    }

    @Test
    void startOfAnUnknownDomainFailsWithTheHypervisorsMessage() {
        CommandResult result = handle(command(Action.START, "h1"));
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error()).startsWith("Domain not found");
    }

    @Test
    void durationIsMeasuredOnTheGivenClock() {
        Hypervisor slow = new DelegatingHypervisor(hypervisor) {
            @Override
            public void start(String uuid) {
                clock.advance(Duration.ofMillis(250));
                super.start(uuid);
            }
        };
        CommandExecutor timed = new CommandExecutor("h1", slow, clock, 10, attribution);
        assertThat(timed.handle(command(Action.DEFINE_AND_START, "h1")).orElseThrow().result().durationMs()).isEqualTo(250);
    }

    @Test
    void resultCacheIsBoundedOldestFirst() {
        HostCommand first = command(Action.DESTROY, "h1");
        handle(first);
        for (int i = 0; i < 3; i++) {
            handle(command(Action.DESTROY, "h1"));
        }
        // Forgotten: executed again (a destroy of a missing domain is harmless).
        assertThat(executor.handle(first).orElseThrow().replayed()).isFalse();
    }

    @Test
    void lifecycleEventsCausedByACommandAreAttributedToIt() {
        HostCommand command = command(Action.DEFINE_AND_START, "h1");
        handle(command);

        assertThat(attribution.commandFor(VM, Kind.STARTED)).contains(command.commandId());
        assertThat(attribution.commandFor(VM, Kind.DEFINED)).contains(command.commandId());
        assertThat(attribution.commandFor(VM, Kind.STOPPED)).isEmpty();
        clock.advance(Duration.ofSeconds(11));
        assertThat(attribution.commandFor(VM, Kind.STARTED)).isEqualTo(Optional.empty());
    }
}
