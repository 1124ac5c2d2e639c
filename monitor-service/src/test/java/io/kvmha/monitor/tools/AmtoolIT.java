package io.kvmha.monitor.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** deploy/alertmanager checked by the real amtool: the configuration and the routing of each kind of alert. */
class AmtoolIT {

    @BeforeEach
    void amtoolIsInstalled() {
        RealTools.assumeInstalled(RealTools.AMTOOL);
    }

    @Test
    void theConfigurationIsValid() {
        RealTools.Result result = RealTools.run(RealTools.deploy("alertmanager"), null, RealTools.AMTOOL.toString(),
                "check-config", "alertmanager.yml").assertSucceeded();
        assertThat(result.output()).contains("SUCCESS").contains("3 inhibit rules");
    }

    @Test
    void eachAlertIsRoutedToItsReceiver() throws Exception {
        List<String> cases = Files.readAllLines(RealTools.deploy("alertmanager/tests/routes.tsv")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(5);
        for (String line : cases) {
            String[] parts = line.split("\t");
            List<String> command = new ArrayList<>(List.of(RealTools.AMTOOL.toString(), "config", "routes", "test",
                    "--config.file=alertmanager.yml", "--verify.receivers=" + parts[0]));
            command.addAll(List.of(parts[1].trim().split("\\s+")));
            RealTools.Result result = RealTools.run(RealTools.deploy("alertmanager"), null, command.toArray(String[]::new));
            assertThat(result.exitCode()).as("route of %s; amtool said:%n%s", parts[1], result.output()).isZero();
            assertThat(result.output()).contains(parts[0]);
        }
    }
}
