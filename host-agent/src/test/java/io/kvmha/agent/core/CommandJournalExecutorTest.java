package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import io.kvmha.contracts.testing.VirtualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor with a durable journal: a command is executed at most once across agent restarts. */
class CommandJournalExecutorTest {

    static final String VM = CommandExecutorTest.VM;

    @TempDir
    Path dir;

    final VirtualClock clock = new VirtualClock(CommandExecutorTest.T0);
    final FakeHypervisor hypervisor = new FakeHypervisor();
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void connect() {
        hypervisor.connect();
    }

    FileCommandJournal journal() throws IOException {
        return FileCommandJournal.open(dir.resolve("h1.commands.journal"), 100, warnings::add);
    }

    CommandExecutor agent(Hypervisor on, CommandJournal journal) {
        return new CommandExecutor("h1", on, clock, journal, new CommandAttribution(clock, Duration.ofSeconds(10)));
    }

    @Test
    void aStartExecutedBeforeARestartIsAnsweredWithItsResultAndNotExecutedAgain() throws IOException {
        HostCommand start = CommandExecutorTest.command(Action.DEFINE_AND_START, "h1");
        CommandResult first;
        try (FileCommandJournal journal = journal()) {
            first = agent(hypervisor, journal).handle(start).orElseThrow().result();
        }
        assertThat(first.outcome()).isEqualTo(Outcome.SUCCEEDED);
        // The host lost power (the guest with it); the result was never published, so the command comes again.
        hypervisor.domains.computeIfPresent(VM, (id, d) -> d.withState(DomainState.SHUTOFF));
        clock.advance(Duration.ofSeconds(20));

        try (FileCommandJournal journal = journal()) {
            CommandExecutor.Handling again = agent(hypervisor, journal).handle(start).orElseThrow();

            assertThat(again.replayed()).isTrue();
            assertThat(again.result()).isEqualTo(first);
        }
        assertThat(hypervisor.starts).as("the hypervisor started it once across the restart").hasValue(1);
        assertThat(hypervisor.definedXml).hasSize(1);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aCommandTheAgentDiedInIsRejectedAfterTheRestartAndNotExecutedAgain() throws IOException {
        HostCommand start = CommandExecutorTest.command(Action.DEFINE_AND_START, "h1");
        Hypervisor dyingBeforeTheStart = new DelegatingHypervisor(hypervisor) {
            @Override
            public String define(String domainXml) {
                super.define(domainXml);
                throw new AgentDied();
            }
        };
        try (FileCommandJournal journal = journal()) {
            CommandExecutor doomed = agent(dyingBeforeTheStart, journal);
            assertThatThrownBy(() -> doomed.handle(start)).isInstanceOf(AgentDied.class);
        }

        try (FileCommandJournal journal = journal()) {
            CommandExecutor restarted = agent(hypervisor, journal);
            CommandExecutor.Handling answer = restarted.handle(start).orElseThrow();

            assertThat(answer.replayed()).isFalse();
            assertThat(answer.result().outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(answer.result().error()).isEqualTo(answer.result().detail())
                    .isEqualTo("executed before this agent restarted; outcome unknown, not executed again");
            assertThat(restarted.handle(start).orElseThrow())
                    .as("the answer is recorded: a further delivery gets it again")
                    .satisfies(h -> assertThat(h.replayed()).isTrue())
                    .satisfies(h -> assertThat(h.result()).isEqualTo(answer.result()));
        }
        assertThat(hypervisor.starts).hasValue(0);
        assertThat(hypervisor.definedXml).hasSize(1);
        assertThat(hypervisor.domains.get(VM).state()).isEqualTo(DomainState.SHUTOFF);
    }

    @Test
    void aStartTheAgentDiedInAfterTheDomainStartedIsReportedAsSucceededNotRejected() throws IOException {
        HostCommand start = CommandExecutorTest.command(Action.DEFINE_AND_START, "h1");
        Hypervisor dyingAfterTheStart = new DelegatingHypervisor(hypervisor) {
            @Override
            public void start(String uuid) {
                super.start(uuid);
                throw new AgentDied();
            }
        };
        try (FileCommandJournal journal = journal()) {
            CommandExecutor doomed = agent(dyingAfterTheStart, journal);
            assertThatThrownBy(() -> doomed.handle(start)).isInstanceOf(AgentDied.class);
        }

        try (FileCommandJournal journal = journal()) {
            CommandResult answer = agent(hypervisor, journal).handle(start).orElseThrow().result();

            // REJECTED would have the failover re-place a VM that runs here: it would run twice.
            assertThat(answer.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(answer.detail()).isEqualTo("executed before this agent restarted; found RUNNING here, not started again");
        }
        assertThat(hypervisor.starts).hasValue(1);
    }

    @Test
    void aJournalEntryWithAnOutcomeIsReplayedWithoutTouchingTheHypervisor() {
        HostCommand destroy = CommandExecutorTest.command(Action.DESTROY, "h1");
        InMemoryCommandJournal journal = new InMemoryCommandJournal(10);
        CommandResult recorded = new CommandResult(destroy.commandId(), "h1", VM, Action.DESTROY, Outcome.SUCCEEDED,
                null, 3, "inc-1", CommandExecutorTest.T0, null, "destroyed");
        journal.started(destroy, CommandExecutorTest.T0);
        journal.finished(recorded);

        CommandExecutor.Handling answer = agent(hypervisor, journal).handle(destroy).orElseThrow();

        assertThat(answer.replayed()).isTrue();
        assertThat(answer.result()).isEqualTo(recorded);
        assertThat(hypervisor.connectAttempts).hasValue(1);
        assertThat(hypervisor.destroys).hasValue(0);
    }

    @Test
    void aCommandThatCannotBeJournaledFailsWithoutBeingExecuted() throws IOException {
        FileCommandJournal journal = journal();
        journal.close();
        HostCommand start = CommandExecutorTest.command(Action.DEFINE_AND_START, "h1");

        CommandResult result = agent(hypervisor, journal).handle(start).orElseThrow().result();

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error()).startsWith("not executed: cannot write the command journal");
        assertThat(hypervisor.starts).hasValue(0);
        assertThat(hypervisor.definedXml).isEmpty();
    }

    @Test
    void refusalsAreRecordedWithoutAStartLine() {
        InMemoryCommandJournal journal = new InMemoryCommandJournal(10);
        HostCommand late = CommandExecutorTest.command(Action.START, "h1");
        clock.advance(Duration.ofMinutes(5));

        CommandResult result = agent(hypervisor, journal).handle(late).orElseThrow().result();

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(journal.find(late.commandId())).hasValueSatisfying(e -> {
            assertThat(e.startedAt()).isNull();
            assertThat(e.result()).isEqualTo(result);
        });
    }

    /** Stands for the process dying (power loss) in the middle of a command: nothing after it runs. */
    static final class AgentDied extends Error {
        AgentDied() {
            super("agent died", null, false, false);
        }
    }
}
