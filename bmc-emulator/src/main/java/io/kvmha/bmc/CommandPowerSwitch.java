package io.kvmha.bmc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link PowerSwitch} that runs a command: {@code COMMAND... off|on SYSTEM}; a non-zero exit is a failure. */
public final class CommandPowerSwitch implements PowerSwitch {

    private static final Logger log = LoggerFactory.getLogger(CommandPowerSwitch.class);

    private final List<String> command;
    private final Duration timeout;

    public CommandPowerSwitch(List<String> command, Duration timeout) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("power command is empty");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    @Override
    public void powerOff(String systemId) throws IOException, InterruptedException {
        run("off", systemId);
    }

    @Override
    public void powerOn(String systemId) throws IOException, InterruptedException {
        run("on", systemId);
    }

    private void run(String verb, String systemId) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(command);
        argv.add(verb);
        argv.add(systemId);
        long started = System.nanoTime();
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output;
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException("power " + verb + " of " + systemId + " did not finish within " + timeout);
        }
        output = process.getInputStream().readAllBytes();
        String text = new String(output, StandardCharsets.UTF_8).strip();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (process.exitValue() != 0) {
            throw new IOException("power " + verb + " of " + systemId + " failed (exit " + process.exitValue() + "): " + text);
        }
        log.info("BMC emulator system={} power {} done in {} ms{}", systemId, verb, millis, text.isEmpty() ? "" : ": " + text);
    }
}
