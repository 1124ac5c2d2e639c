package io.kvmha.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** Incidents: the list, or one incident's timeline with its evidence. */
@Command(name = "incidents", description = "List incidents, or show one incident's timeline.")
final class IncidentsCommand implements Callable<Integer> {

    @ParentCommand
    KvmhaCli cli;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "INCIDENT_ID", arity = "0..1", description = "show this incident's timeline")
    String incidentId;

    @Override
    public Integer call() {
        Printer printer = cli.printer(spec);
        if (incidentId == null) {
            JsonNode incidents = cli.failover().get("/api/v1/incidents");
            printer.rows(incidents, "incidentId", "hostId", "status", "fencing", "detectedAt", "vms", "vmsStarted");
            return ExitCode.OK;
        }
        JsonNode incident = cli.failover().get("/api/v1/incidents/" + incidentId);
        if (printer.json()) {
            printer.printJson(incident);
            return ExitCode.OK;
        }
        printer.line("incident " + incident.path("incidentId").asString() + "  host " + incident.path("hostId").asString()
                + "  " + incident.path("status").asString());
        printer.table(incident.path("timeline"), "at", "phase", "detail");
        return ExitCode.OK;
    }
}
