package io.kvmha.contracts.spring;

import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.security.AuditEntries;
import io.kvmha.contracts.security.CommandSigner;
import io.kvmha.contracts.topic.Topic;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.SendResult;

/**
 * Publishes an event to the one topic the catalogue assigns to its type, keyed by the event's key. Host commands
 * are signed here when a signer is configured (so no service signs by itself), and each one is recorded on the
 * audit trail as an automatic decision when auditing is on.
 */
public class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final KafkaOperations<String, Object> kafka;
    private final @Nullable CommandSigner signer;
    private final boolean auditCommands;
    private final Clock clock;

    public EventPublisher(KafkaOperations<String, Object> kafka) {
        this(kafka, null, false, Clock.systemUTC());
    }

    /**
     * @param signer        signs every unsigned HostCommand; null publishes them as they are
     * @param auditCommands publish an AuditRecord for every HostCommand
     */
    public EventPublisher(KafkaOperations<String, Object> kafka, @Nullable CommandSigner signer, boolean auditCommands,
                          Clock clock) {
        this.kafka = kafka;
        this.signer = signer;
        this.auditCommands = auditCommands;
        this.clock = clock;
    }

    public CompletableFuture<SendResult<String, Object>> publish(KvmHaEvent event) {
        if (event instanceof HostCommand command) {
            HostCommand outgoing = signer != null && command.signature() == null ? signer.sign(command) : command;
            CompletableFuture<SendResult<String, Object>> sent = send(outgoing);
            if (auditCommands) {
                audit(AuditEntries.commandIssued(outgoing, clock.instant())).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        log.warn("audit record of command={} host={} not published: {}", command.commandId(),
                                command.hostId(), failure.toString());
                    }
                });
            }
            return sent;
        }
        return send(event);
    }

    /**
     * Records an entry on the audit trail. A method of its own, apart from {@link #publish}, because the trail is
     * a side channel: a service's own events stay what its tests see published.
     */
    public CompletableFuture<SendResult<String, Object>> audit(AuditRecord entry) {
        return send(entry);
    }

    private CompletableFuture<SendResult<String, Object>> send(KvmHaEvent event) {
        Topic topic = Topic.forEvent(event.getClass());
        return kafka.send(topic.topicName(), event.key(), event);
    }

    /** Deletes a key from a compacted topic. */
    public CompletableFuture<SendResult<String, Object>> tombstone(Topic topic, String key) {
        if (topic.cleanup() != Topic.Cleanup.COMPACT) {
            throw new IllegalArgumentException(topic.topicName() + " is not compacted; a tombstone means nothing there");
        }
        return kafka.send(topic.topicName(), key, null);
    }
}
