package io.kvmha.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** The alerts the monitor service holds now, firing first. */
@Command(name = "alerts", description = "Active alerts (pending and firing) from the monitor service.")
final class AlertsCommand implements Callable<Integer> {

    @ParentCommand
    KvmhaCli cli;
    @Spec
    CommandSpec spec;
    @Option(names = "--severity", paramLabel = "SEVERITY", description = "only critical, warning or info")
    String severity;

    @Override
    public Integer call() {
        String query = severity == null ? "" : "?severity=" + URLEncoder.encode(severity, StandardCharsets.UTF_8);
        JsonNode alerts = cli.monitor().get("/api/v1/alerts" + query);
        Printer printer = cli.printer(spec);
        printer.result(alerts, () -> {
            if (alerts.isEmpty()) {
                printer.line("no active alerts" + (severity == null ? "" : " of severity " + severity));
                return;
            }
            ArrayNode rows = cli.monitor().json().createArrayNode();
            for (JsonNode alert : alerts) {
                StringJoiner labels = new StringJoiner(",");
                alert.path("labels").properties().forEach(label -> {
                    if (!label.getKey().equals("alertname") && !label.getKey().equals("severity")) {
                        labels.add(label.getKey() + "=" + label.getValue().asString());
                    }
                });
                rows.addObject()
                        .put("name", alert.path("name").asString())
                        .put("state", alert.path("state").asString())
                        .put("severity", alert.path("severity").asString())
                        .put("labels", labels.toString())
                        .put("startsAt", alert.path("startsAt").asString())
                        .put("summary", alert.path("annotations").path("summary").asString(""));
            }
            printer.table(rows, "name", "state", "severity", "labels", "startsAt", "summary");
        });
        return ExitCode.OK;
    }
}
