package io.kvmha.agent.kafka;

import io.kvmha.contracts.codec.UnreadableRecordException;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.spring.DeadLetterRouter;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Dead-letters a record like the contracts' router does, and when it is a host command for this host
 * whose {@code commandId} can still be read from the raw bytes, also answers it with a FAILED result
 * naming why, so the sender does not wait for its deadline to learn the command was unusable.
 */
public final class MalformedCommandAnswer implements ConsumerRecordRecoverer {

    private static final Logger log = LoggerFactory.getLogger(MalformedCommandAnswer.class);
    private static final Pattern COMMAND_ID = Pattern.compile("\"commandId\"\\s*:\\s*\"([^\"]{1,200})\"");
    private static final Pattern HOST_ID = Pattern.compile("\"hostId\"\\s*:\\s*\"([^\"]{1,200})\"");
    private static final Pattern VM_ID = Pattern.compile("\"vmId\"\\s*:\\s*\"([^\"]{1,200})\"");

    private final DeadLetterRouter router;
    private final EventPublisher publisher;
    private final String hostId;
    private final Clock clock;

    public MalformedCommandAnswer(DeadLetterRouter router, EventPublisher publisher, String hostId, Clock clock) {
        this.router = router;
        this.publisher = publisher;
        this.hostId = hostId;
        this.clock = clock;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception exception) {
        router.accept(record, exception);
        if (!Topic.HOST_COMMANDS.topicName().equals(record.topic())) {
            return;
        }
        try {
            answer(record, exception);
        } catch (RuntimeException e) {
            log.warn("host={} could not answer a malformed command: {}", hostId, e.toString());
        }
    }

    private void answer(ConsumerRecord<?, ?> record, Exception exception) {
        byte[] raw = rawBytes(exception);
        if (raw == null) {
            return;
        }
        String json = new String(raw, StandardCharsets.UTF_8);
        Optional<String> commandId = find(COMMAND_ID, json);
        String addressedTo = find(HOST_ID, json).orElse(record.key() instanceof String k ? k : null);
        if (commandId.isEmpty() || !hostId.equals(addressedTo)) {
            return;
        }
        String why = "malformed command, dead-lettered: " + reason(exception);
        log.warn("host={} command={} {}", hostId, commandId.get(), why);
        publisher.publish(new CommandResult(commandId.get(), hostId, find(VM_ID, json).orElse(null), null,
                CommandResult.Outcome.FAILED, why, 0, null, clock.instant(), null, why));
    }

    private static Optional<String> find(Pattern pattern, String json) {
        Matcher m = pattern.matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static byte[] rawBytes(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeserializationException d) {
                return d.getData();
            }
        }
        return null;
    }

    private static String reason(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnreadableRecordException u) {
                return u.reason().code() + ": " + u.getMessage();
            }
        }
        return String.valueOf(exception.getMessage());
    }
}
