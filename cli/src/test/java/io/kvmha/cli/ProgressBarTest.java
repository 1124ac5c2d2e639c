package io.kvmha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void rendersDoneOutOfTotalAsAFilledShare() {
        assertThat(ProgressBar.render("drain h1", 3, 6, "VMs settled", "MIGRATED=3, PENDING=3"))
                .isEqualTo("drain h1 [############............] 3/6 VMs settled  MIGRATED=3, PENDING=3");
        assertThat(ProgressBar.render("x", 6, 6, "VMs", null)).isEqualTo("x [########################] 6/6 VMs");
        assertThat(ProgressBar.render("x", 0, 0, "VMs started", "OPEN")).isEqualTo("x [........................] -/- VMs started  OPEN");
        assertThat(ProgressBar.render("x", 9, 6, "VMs", "")).as("clamped").isEqualTo("x [########################] 6/6 VMs");
    }

    @Test
    void offATerminalEachChangeIsOneLineAndRepeatsAreDropped() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text, true), false);
        bar.update("d", 0, 2, "VMs", null);
        bar.update("d", 0, 2, "VMs", null);
        bar.update("d", 2, 2, "VMs", null);
        bar.finish();
        assertThat(text.toString().lines()).containsExactly(
                "d [........................] 0/2 VMs", "d [########################] 2/2 VMs");
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlace() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text, true), true);
        bar.update("d", 1, 2, "VMs", "long detail");
        bar.update("d", 2, 2, "VMs", null);
        bar.finish();
        assertThat(text.toString()).startsWith("\r").contains("\rd [########################] 2/2 VMs").endsWith(System.lineSeparator());
        assertThat(text.toString().chars().filter(c -> c == '\n').count()).as("one line in the end").isEqualTo(1);
    }
}
