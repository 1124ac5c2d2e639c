package io.kvmha.agent.kafka;

import static io.kvmha.agent.kafka.StaticMembership.STATIC_MEMBER;

import io.kvmha.agent.AgentProperties;
import io.kvmha.agent.core.SelfFencing;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.spring.ReplayFromStart;
import io.kvmha.contracts.topic.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/**
 * Learns from the failover service's {@code kvmha.host.health} (compacted, replayed from the start on
 * every assignment, so the latest value wins) whether this host is in MAINTENANCE. While it is, the
 * heartbeat says {@code maintenance=true} and self-fencing is suspended: the operator owns the host.
 */
@Component
public class MaintenanceListener extends ReplayFromStart {

    public static final String LISTENER_ID = "host-health";
    private static final Logger log = LoggerFactory.getLogger(MaintenanceListener.class);

    private final SelfFencing selfFencing;
    private final String hostId;

    public MaintenanceListener(SelfFencing selfFencing, AgentProperties properties) {
        this.selfFencing = selfFencing;
        this.hostId = properties.hostId();
    }

    @KafkaListener(id = LISTENER_ID, topics = Topic.Names.HOST_HEALTH,
            groupId = "host-agent-${kvmha.agent.host-id}-health", clientIdPrefix = "host-agent-${kvmha.agent.host-id}-health",
            properties = {"auto.offset.reset=earliest", STATIC_MEMBER})
    public void on(@Payload(required = false) HostHealthChange change) {
        if (change == null || !hostId.equals(change.hostId())) {
            return;
        }
        boolean maintenance = change.current() == HostState.MAINTENANCE;
        if (maintenance != selfFencing.inMaintenance()) {
            log.info("host={} maintenance mode {} ({} -> {}); self-fencing {}", hostId, maintenance ? "ON" : "OFF",
                    change.previous(), change.current(), maintenance ? "suspended" : "armed");
        }
        selfFencing.maintenance(maintenance);
    }
}
