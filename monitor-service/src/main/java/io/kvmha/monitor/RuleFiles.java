package io.kvmha.monitor;

import io.kvmha.monitor.core.rules.RuleDefinition;
import io.kvmha.monitor.core.rules.RuleFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Loads the rule files named in {@code kvmha.monitor.rules}; a relative {@code runbook_url} ("#anchor") gets the runbook base URL. */
final class RuleFiles {

    private RuleFiles() {
    }

    static List<RuleDefinition> load(List<String> locations, ResourceLoader resources, String runbookBaseUrl) {
        List<RuleDefinition> rules = new ArrayList<>();
        for (String location : locations) {
            Resource resource = resources.getResource(location);
            try (InputStream in = resource.getInputStream()) {
                Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
                for (RuleDefinition rule : RuleFile.read(yaml, location)) {
                    rules.add(withRunbookBase(rule, runbookBaseUrl));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read rule file " + location, e);
            }
        }
        return rules;
    }

    static RuleDefinition withRunbookBase(RuleDefinition rule, String runbookBaseUrl) {
        String runbook = rule.annotations().get("runbook_url");
        if (runbook == null || !runbook.startsWith("#")) {
            return rule;
        }
        Map<String, String> annotations = new HashMap<>(rule.annotations());
        annotations.put("runbook_url", runbookBaseUrl + runbook);
        return new RuleDefinition(rule.alert(), rule.expr(), rule.pendingFor(), rule.keepFiringFor(), rule.labels(),
                annotations);
    }
}
