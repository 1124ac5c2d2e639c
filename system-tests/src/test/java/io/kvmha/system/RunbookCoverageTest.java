package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every alert kvm-ha can raise has a runbook section in docs/OPERATIONS.md, which its runbook_url points
 * to: the rules shipped to monitor-service and Prometheus, and the alerts services raise in code.
 */
class RunbookCoverageTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern RULE = Pattern.compile("^\\s*-?\\s*alert:\\s*([A-Za-z0-9_]+)", Pattern.MULTILINE);
    private static final Pattern IN_CODE = Pattern.compile("\"(Kvm[A-Z][A-Za-z0-9]+)\"");

    @Test
    void everyAlertHasARunbookSection() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (Path dir : new Path[] {ROOT.resolve("monitor-service/src/main/resources"), ROOT.resolve("deploy/prometheus/rules")}) {
            collect(dir, ".yml", RULE, alerts);
        }
        for (String module : new String[] {"failover-service", "monitor-service", "scheduler-service", "host-agent"}) {
            collect(ROOT.resolve(module).resolve("src/main/java"), ".java", IN_CODE, alerts);
        }
        assertThat(alerts).contains("KvmHostDown", "KvmWatchdog", "KvmHostFencingFailed").hasSizeGreaterThan(20);

        String operations = Files.readString(ROOT.resolve("docs/OPERATIONS.md"));
        Set<String> sections = new TreeSet<>();
        Matcher heading = Pattern.compile("^## (\\S+)\\s*$", Pattern.MULTILINE).matcher(operations);
        while (heading.find()) {
            sections.add(heading.group(1));
        }
        assertThat(sections).as("runbook sections in docs/OPERATIONS.md").containsAll(alerts);
        System.out.println("runbooks: " + alerts.size() + " alerts, each with a section in docs/OPERATIONS.md");
    }

    @Test
    void everyShippedRunbookUrlPointsAtASectionOfOperations() throws IOException {
        Set<String> urls = new TreeSet<>();
        Pattern runbook = Pattern.compile("runbook_url:\\s*\"?([^\"\\s]+)");
        collect(ROOT.resolve("monitor-service/src/main/resources"), ".yml", runbook, urls);
        collect(ROOT.resolve("deploy/prometheus/rules"), ".yml", runbook, urls);
        Set<String> anchors = new TreeSet<>();
        Matcher heading = Pattern.compile("^## (\\S+)\\s*$", Pattern.MULTILINE)
                .matcher(Files.readString(ROOT.resolve("docs/OPERATIONS.md")));
        while (heading.find()) {
            anchors.add("#" + heading.group(1).toLowerCase());
        }
        // monitor-service prefixes a bare "#anchor" with its runbook base URL (default docs/OPERATIONS.md).
        assertThat(urls).isNotEmpty().allSatisfy(url -> {
            assertThat(url).matches("(.*OPERATIONS\\.md)?#[a-z0-9]+");
            assertThat(anchors).contains(url.substring(url.indexOf('#')));
        });
    }

    private static void collect(Path dir, String suffix, Pattern pattern, Set<String> into) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
                Matcher m = pattern.matcher(Files.readString(file));
                while (m.find()) {
                    into.add(m.group(1));
                }
            }
        }
    }
}
