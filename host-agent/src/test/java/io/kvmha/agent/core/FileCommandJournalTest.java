package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCommandJournalTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    @TempDir
    Path dir;

    final List<String> warnings = new ArrayList<>();

    Path file() {
        return dir.resolve("state/h1.commands.journal");
    }

    FileCommandJournal open(int capacity) throws IOException {
        return FileCommandJournal.open(file(), capacity, warnings::add);
    }

    static HostCommand command(String id) {
        return new HostCommand(id, "h1", "vm-" + id, Action.START, null, 1, "inc-1", "test", T0, T0.plusSeconds(60));
    }

    static CommandResult result(HostCommand command, Outcome outcome, String detail) {
        return new CommandResult(command.commandId(), "h1", command.vmId(), command.action(), outcome,
                outcome == Outcome.SUCCEEDED ? null : detail, 42, command.incidentId(), T0.plusSeconds(1), null, detail);
    }

    List<String> lines() throws IOException {
        return Files.readAllLines(file());
    }

    @Test
    void startsAndOutcomesSurviveReopeningTheFile() throws IOException {
        HostCommand done = command("c1");
        HostCommand interrupted = command("c2");
        CommandResult result = result(done, Outcome.SUCCEEDED, "started");
        try (FileCommandJournal journal = open(10)) {
            journal.started(done, T0);
            journal.finished(result);
            journal.started(interrupted, T0);
        }

        try (FileCommandJournal reopened = open(10)) {
            assertThat(reopened.find("c1")).hasValueSatisfying(e -> {
                assertThat(e.result()).isEqualTo(result);
                assertThat(e.startedAt()).isEqualTo(T0);
            });
            assertThat(reopened.find("c2")).hasValueSatisfying(e -> {
                assertThat(e.outcomeUnknown()).isTrue();
                assertThat(e.action()).isEqualTo(Action.START);
                assertThat(e.vmId()).isEqualTo("vm-c2");
            });
            assertThat(reopened.find("c3")).isEmpty();
        }
        assertThat(warnings).isEmpty();
        assertThat(lines()).hasSize(3);
    }

    @Test
    void valuesWithSeparatorsEscapesAndNullsReadBackExactly() throws IOException {
        HostCommand command = command("c\t1");
        CommandResult awkward = new CommandResult("c\t1", "h1", null, null, Outcome.FAILED,
                "libvirt:\tline one\nline two \\ \\N \r end", 0, null, T0, 7, "\\N");
        try (FileCommandJournal journal = open(10)) {
            journal.started(command, T0);
            journal.finished(awkward);
        }
        try (FileCommandJournal reopened = open(10)) {
            assertThat(reopened.find("c\t1").orElseThrow().result()).isEqualTo(awkward);
        }
        assertThat(lines()).hasSize(2);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aLastLineCutShortByACrashIsSkippedWithOneWarningAndLaterLinesStayReadable() throws IOException {
        try (FileCommandJournal journal = open(10)) {
            journal.started(command("c1"), T0);
            journal.finished(result(command("c1"), Outcome.SUCCEEDED, "started"));
        }
        String full = JournalLine.started(new CommandJournal.Entry("c2", Action.START, "vm-c2", T0, null));
        Files.writeString(file(), full.substring(0, full.length() / 2), StandardOpenOption.APPEND);

        try (FileCommandJournal reopened = open(10)) {
            assertThat(warnings).singleElement().asString()
                    .contains(file().toAbsolutePath().toString()).contains("line 3").contains("cut short");
            assertThat(reopened.find("c1")).isPresent();
            assertThat(reopened.find("c2")).isEmpty();
            reopened.started(command("c3"), T0);
        }
        warnings.clear();
        try (FileCommandJournal again = open(10)) {
            assertThat(warnings).isEmpty();
            assertThat(again.find("c3")).hasValueSatisfying(e -> assertThat(e.outcomeUnknown()).isTrue());
        }
    }

    @Test
    void garbledLinesAreSkippedEachWithAWarningNamingFileAndLine() throws IOException {
        try (FileCommandJournal journal = open(10)) {
            journal.started(command("c1"), T0);
            journal.started(command("c2"), T0);
        }
        List<String> lines = new ArrayList<>(lines());
        lines.set(0, lines.get(0).replace("c1", "cX")); // checksum no longer matches
        lines.add(1, "\0\0\0\0 garbage");
        Files.write(file(), lines, StandardCharsets.UTF_8);

        try (FileCommandJournal reopened = open(10)) {
            assertThat(reopened.find("c1")).isEmpty();
            assertThat(reopened.find("cX")).isEmpty();
            assertThat(reopened.find("c2")).isPresent();
        }
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains(file().toAbsolutePath().toString(), "line 1", "checksum");
        assertThat(warnings.get(1)).contains("line 2");
        assertThat(lines()).as("rewritten without the bad lines").hasSize(1);
    }

    @Test
    void keepsTheLastCapacityCommandsAndCompactsTheFileBeyondTwiceThat() throws IOException {
        try (FileCommandJournal journal = open(3)) {
            for (int i = 1; i <= 10; i++) {
                HostCommand command = command("c" + i);
                journal.started(command, T0);
                journal.finished(result(command, Outcome.SUCCEEDED, "started"));
                assertThat(lines().size()).isLessThanOrEqualTo(6);
            }
            assertThat(journal.size()).isEqualTo(3);
        }
        try (FileCommandJournal reopened = open(3)) {
            assertThat(reopened.find("c7")).isEmpty();
            for (int i = 8; i <= 10; i++) {
                assertThat(reopened.find("c" + i).orElseThrow().result().outcome()).isEqualTo(Outcome.SUCCEEDED);
            }
        }
        assertThat(warnings).isEmpty();
        assertThat(Files.list(file().getParent())).as("no leftover rewrite file").hasSize(1);
    }

    @Test
    void aJournalThatCannotWriteSaysSo() throws IOException {
        FileCommandJournal journal = open(3);
        journal.close();

        assertThatThrownBy(() -> journal.started(command("c1"), T0))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(file().getFileName().toString());
    }
}
