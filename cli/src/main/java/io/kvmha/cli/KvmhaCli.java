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
            AlertsCommand.class, GuardCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the cluster refused the request (invalid input, unknown id, conflict)",
            "2:the command line is wrong",
            "3:a service could not be reached",
            "4:a service failed or answered something unreadable",
            "5:the awaited operation ended incompletely (drain left VMs, incident PARTIAL or FAILED)",
            "6:stopped waiting (--wait-timeout); the operation goes on"})
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

    @Option(names = "--monitor-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:KVMHA_MONITOR_URL:-http://127.0.0.1:8084}",
            description = "monitor-service (alerts); env KVMHA_MONITOR_URL; default ${DEFAULT-VALUE}")
    URI monitorUrl;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            defaultValue = "${env:KVMHA_TOKEN_FILE}",
            description = "a file holding the API bearer token, for services that require one (kvmha.security.api); "
                    + "env KVMHA_TOKEN_FILE, or the token itself in KVMHA_TOKEN")
    java.nio.file.Path tokenFile;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json; default ${DEFAULT-VALUE}")
    Output output;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "5",
            description = "connect timeout in seconds; default ${DEFAULT-VALUE}")
    int timeoutSeconds;

    /** Progress bars are redrawn in place only on a terminal. */
    private final boolean terminal;

    KvmhaCli(boolean terminal) {
        this.terminal = terminal;
    }

    /** Where and how a command prints: its own output stream, in the --output format. */
    Printer printer(picocli.CommandLine.Model.CommandSpec spec) {
        return new Printer(spec.commandLine().getOut(), output);
    }

    /** A progress bar on the command's error stream, so that stdout stays the result (JSON for scripts). */
    ProgressBar progressBar(picocli.CommandLine.Model.CommandSpec spec) {
        return new ProgressBar(spec.commandLine().getErr(), terminal);
    }

    ServiceClient scheduler() {
        return new ServiceClient("scheduler-service", schedulerUrl, Duration.ofSeconds(timeoutSeconds), token());
    }

    ServiceClient failover() {
        return new ServiceClient("failover-service", failoverUrl, Duration.ofSeconds(timeoutSeconds), token());
    }

    ServiceClient monitor() {
        return new ServiceClient("monitor-service", monitorUrl, Duration.ofSeconds(timeoutSeconds), token());
    }

    /** The bearer token from --token-file (first line) or KVMHA_TOKEN; null when there is none. */
    private String token() {
        if (tokenFile != null) {
            try {
                return java.nio.file.Files.readAllLines(tokenFile).stream().findFirst().map(String::strip)
                        .filter(t -> !t.isEmpty())
                        .orElseThrow(() -> new CliException(ExitCode.USAGE, "the token file " + tokenFile + " is empty"));
            } catch (java.io.IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read the token file " + tokenFile + ": " + e.getMessage());
            }
        }
        String token = System.getenv("KVMHA_TOKEN");
        return token == null || token.isBlank() ? null : token.strip();
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                System.console() != null, args));
    }

    /** Runs one command line (not on a terminal: progress is printed line by line); returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, false, args);
    }

    /** Runs one command line; returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, boolean terminal, String... args) {
        CommandLine cli = new CommandLine(new KvmhaCli(terminal));
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
