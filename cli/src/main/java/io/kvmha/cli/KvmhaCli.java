package io.kvmha.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code kvmha}: status, VMs, hosts and incidents of a kvm-ha cluster, over the services' REST APIs.
 * Every command prints text for people or, with {@code --output json}, JSON for scripts.
 */
@Command(name = "kvmha", mixinStandardHelpOptions = true, version = "kvmha 0.1.0",
        description = "Operate a kvm-ha cluster.",
        subcommands = {StatusCommand.class, VmCommand.class, HostCommand.class, IncidentsCommand.class,
            GuardCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the cluster refused the request (invalid input, unknown id, conflict)",
            "2:the command line is wrong",
            "3:a service could not be reached",
            "4:a service failed or answered something unreadable"})
public final class KvmhaCli {

    /** How results are printed. */
    public enum Output { text, json }

    @Option(names = "--scheduler-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:KVMHA_SCHEDULER_URL:-http://127.0.0.1:8082}",
            description = "scheduler-service (VMs, hosts); env KVMHA_SCHEDULER_URL; default ${DEFAULT-VALUE}")
    URI schedulerUrl;

    @Option(names = "--failover-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:KVMHA_FAILOVER_URL:-http://127.0.0.1:8083}",
            description = "failover-service (health, incidents); env KVMHA_FAILOVER_URL; default ${DEFAULT-VALUE}")
    URI failoverUrl;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json; default ${DEFAULT-VALUE}")
    Output output;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "5",
            description = "connect timeout in seconds; default ${DEFAULT-VALUE}")
    int timeoutSeconds;

    /** Where and how a command prints: its own output stream, in the --output format. */
    Printer printer(picocli.CommandLine.Model.CommandSpec spec) {
        return new Printer(spec.commandLine().getOut(), output);
    }

    ServiceClient scheduler() {
        return new ServiceClient("scheduler-service", schedulerUrl, Duration.ofSeconds(timeoutSeconds));
    }

    ServiceClient failover() {
        return new ServiceClient("failover-service", failoverUrl, Duration.ofSeconds(timeoutSeconds));
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new KvmhaCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException failure) {
                commandLine.getErr().println("kvmha: " + failure.getMessage());
                return failure.exitCode();
            }
            commandLine.getErr().println("kvmha: unexpected failure: " + e);
            return ExitCode.SERVICE_ERROR;
        });
        return cli.execute(args);
    }
}
