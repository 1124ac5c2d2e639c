package io.kvmha.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Polls a service until an operation is over (a drain done, an incident closed), showing each state as it
 * comes. Polling, not streaming: the services' REST APIs are request/response, and a poll every quarter
 * second is nothing for them.
 */
final class Waiter {

    static final Duration INTERVAL = Duration.ofMillis(250);

    private Waiter() {
    }

    /**
     * @param what    what is awaited, for the timeout message ("drain d-1 of host h1")
     * @return the state that was done
     * @throws CliException {@link ExitCode#WAIT_TIMEOUT} when the timeout passed first
     */
    static JsonNode until(String what, Supplier<JsonNode> poll, Predicate<JsonNode> done, Consumer<JsonNode> show,
                          Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode state = poll.get();
            show.accept(state);
            if (done.test(state)) {
                return state;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CliException(ExitCode.WAIT_TIMEOUT, "stopped waiting for " + what + " after "
                        + timeout.toSeconds() + " s; it goes on in the cluster. Follow it again, or raise --wait-timeout.");
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.SERVICE_ERROR, "interrupted while waiting for " + what);
            }
        }
    }
}
