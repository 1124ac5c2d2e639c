package io.kvmha.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How the long operations (drain, migrate, fence) wait for their end: a picocli mixin. */
final class WaitOptions {

    @Option(names = "--no-wait", description = "return once the operation started, without following it")
    boolean noWait;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "900",
            description = "stop waiting after this long (exit 6; the operation goes on in the cluster); default ${DEFAULT-VALUE}")
    long timeoutSeconds;

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }
}
