package io.kvmha.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** Incidents: the list, or one incident's timeline with its evidence, optionally followed until it closes. */
@Command(name = "incidents", description = "List incidents, or show one incident's timeline.",
        subcommands = IncidentsCommand.Show.class)
final class IncidentsCommand implements Callable<Integer> {

    @ParentCommand
    KvmhaCli cli;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "INCIDENT_ID", arity = "0..1", description = "show this incident (as 'incidents show')")
    String incidentId;

    @Override
    public Integer call() {
        if (incidentId != null) {
            return show(cli, spec, incidentId, false, Duration.ZERO);
        }
        JsonNode incidents = cli.failover().get("/api/v1/incidents");
        cli.printer(spec).rows(incidents, "incidentId", "hostId", "status", "fencing", "detectedAt", "vms", "vmsStarted");
        return ExitCode.OK;
    }

    @Command(name = "show", description = "One incident's timeline; with --follow, a bar of its VMs started until it closes.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        IncidentsCommand incidents;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "INCIDENT_ID")
        String incidentId;
        @Option(names = {"-f", "--follow"}, description = "show the evacuation's progress until the incident closes; "
                + "exit 0 if RECOVERED, 5 if PARTIAL, FAILED or ABORTED")
        boolean follow;
        @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "600",
                description = "with --follow, stop waiting after this long (exit 6); default ${DEFAULT-VALUE}")
        long waitTimeoutSeconds;

        @Override
        public Integer call() {
            return show(incidents.cli, spec, incidentId, follow, Duration.ofSeconds(waitTimeoutSeconds));
        }
    }

    static int show(KvmhaCli cli, CommandSpec spec, String incidentId, boolean follow, Duration timeout) {
        String path = "/api/v1/incidents/" + incidentId;
        JsonNode incident;
        if (follow) {
            ProgressBar bar = cli.progressBar(spec);
            incident = Waiter.until("incident " + incidentId, () -> cli.failover().get(path),
                    state -> !"OPEN".equals(state.path("status").asString()),
                    state -> showProgress(bar, state), timeout);
            bar.finish();
        } else {
            incident = cli.failover().get(path);
        }
        Printer printer = cli.printer(spec);
        if (printer.json()) {
            printer.printJson(incident);
        } else {
            printer.line("incident " + incident.path("incidentId").asString() + "  host " + incident.path("hostId").asString()
                    + "  " + incident.path("status").asString());
            printer.table(incident.path("timeline"), "at", "phase", "detail");
        }
        String status = incident.path("status").asString();
        return !follow || "RECOVERED".equals(status) ? ExitCode.OK : ExitCode.INCOMPLETE;
    }

    /** VMs started out of the failed host's protected VMs; the bar has no total until the plan is known. */
    private static void showProgress(ProgressBar bar, JsonNode incident) {
        JsonNode vms = incident.path("vms");
        long started = 0;
        for (JsonNode vm : vms) {
            if ("STARTED".equals(vm.path("status").asString())) {
                started++;
            }
        }
        JsonNode timeline = incident.path("timeline");
        String phase = timeline.isEmpty() ? "" : timeline.get(timeline.size() - 1).path("phase").asString("");
        bar.update("evacuating " + incident.path("hostId").asString(), started, vms.size(), "VMs started",
                incident.path("status").asString() + (phase.isEmpty() ? "" : " (" + phase + ")"));
    }
}
