package io.kvmha.monitor.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** deploy/prometheus checked by the real promtool: config, rules, and a unit test for every shipped rule. */
class PromtoolIT {

    @BeforeEach
    void promtoolIsInstalled() {
        RealTools.assumeInstalled(RealTools.PROMTOOL);
    }

    @Test
    void theRulesAreValid() throws Exception {
        List<String> command = new ArrayList<>(List.of(RealTools.PROMTOOL.toString(), "check", "rules"));
        ruleFiles().forEach(p -> command.add(p.toString()));
        RealTools.run(RealTools.repo(), null, command.toArray(String[]::new)).assertSucceeded();
    }

    @Test
    void theConfigurationIsValidWithItsRuleFiles() {
        RealTools.Result result = RealTools.run(RealTools.deploy("prometheus"), null, RealTools.PROMTOOL.toString(),
                "check", "config", "prometheus.yml").assertSucceeded();
        assertThat(result.output()).contains("SUCCESS").contains("rules found");
    }

    @Test
    void theRuleUnitTestsPass() throws Exception {
        List<String> command = new ArrayList<>(List.of(RealTools.PROMTOOL.toString(), "test", "rules"));
        testFiles().forEach(p -> command.add(p.toString()));
        assertThat(command).hasSizeGreaterThan(3);
        RealTools.Result result = RealTools.run(RealTools.deploy("prometheus/tests"), null,
                command.toArray(String[]::new)).assertSucceeded();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyShippedRuleHasAUnitTestThatExpectsItToFire() throws Exception {
        Set<String> rules = new TreeSet<>();
        for (Path file : ruleFiles()) {
            Map<String, Object> yaml = new Yaml().load(Files.readString(file));
            for (Map<String, Object> group : (List<Map<String, Object>>) yaml.get("groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    if (rule.containsKey("alert")) {
                        rules.add((String) rule.get("alert"));
                        assertThat((Map<String, String>) rule.get("labels")).containsKey("severity");
                        assertThat((Map<String, String>) rule.get("annotations"))
                                .containsKeys("summary", "description")
                                .containsEntry("runbook_url", "docs/OPERATIONS.md#" + rule.get("alert").toString().toLowerCase());
                    }
                }
            }
        }
        Set<String> testedFiring = new TreeSet<>();
        for (Path file : testFiles()) {
            Map<String, Object> yaml = new Yaml().load(Files.readString(file));
            for (Map<String, Object> test : (List<Map<String, Object>>) yaml.get("tests")) {
                for (Map<String, Object> alertTest : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
                    List<?> expected = (List<?>) alertTest.get("exp_alerts");
                    if (expected != null && !expected.isEmpty()) {
                        testedFiring.add((String) alertTest.get("alertname"));
                    }
                }
            }
        }
        assertThat(rules).isNotEmpty();
        assertThat(testedFiring).containsAll(rules);
    }

    static List<Path> ruleFiles() throws Exception {
        try (Stream<Path> files = Files.list(RealTools.deploy("prometheus/rules"))) {
            return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    static List<Path> testFiles() throws Exception {
        try (Stream<Path> files = Files.list(RealTools.deploy("prometheus/tests"))) {
            return files.filter(p -> p.toString().endsWith(".test.yml")).sorted().toList();
        }
    }
}
