package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.SchedulerProperties;
import io.kvmha.scheduler.core.EvacuationOutcome;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.metrics.PlacementMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Answers evacuation requests. The request topic has one partition and this listener uses the service's
 * shared consumer group, so exactly one scheduler instance answers each request, in order.
 */
@Component
public class EvacuationRequestListener implements ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(EvacuationRequestListener.class);

    private final Placer placer;
    private final DecisionPublisher publisher;
    private final PlacementMetrics metrics;
    private final SchedulerProperties properties;
    private final Clock clock;
    private final ActivePlacer activePlacer;

    public EvacuationRequestListener(Placer placer, DecisionPublisher publisher, PlacementMetrics metrics,
                                     SchedulerProperties properties, Clock schedulerClock, ActivePlacer activePlacer) {
        this.activePlacer = activePlacer;
        this.placer = placer;
        this.publisher = publisher;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = schedulerClock;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        if (!assignments.isEmpty()) {
            activePlacer.gained();
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            activePlacer.lost();
        }
    }

    @KafkaListener(id = ListenerIds.EVACUATION_REQUESTS, topics = Topic.Names.PLACEMENT_REQUESTS)
    void on(EvacuationRequest request) {
        // The owner of the request partition: make sure the view holds everything a predecessor published.
        activePlacer.awaitCaughtUp(Duration.ofSeconds(30));
        Duration age = Duration.between(request.requestedAt(), clock.instant());
        if (age.compareTo(properties.evacuationMaxAge()) > 0) {
            log.warn("evacuation incident={} request={} hosts={} ignored: {} s old, older than {}", request.incidentId(),
                    request.requestId(), request.failedHostIds(), age.toSeconds(), properties.evacuationMaxAge());
            return;
        }
        if (!request.vmIds().isEmpty()) {
            log.info("evacuation incident={} request={} re-placement of vms={} excluding hosts={}", request.incidentId(),
                    request.requestId(), request.vmIds(), request.excludeHostIds());
        }
        Placer.Evacuation evacuation = metrics.timeDecision(PlacementMetrics.Kind.EVACUATION,
                () -> placer.evacuate(request.requestId(), request.incidentId(),
                        new LinkedHashSet<>(request.failedHostIds()), new LinkedHashSet<>(request.vmIds()),
                        new LinkedHashSet<>(request.excludeHostIds())));
        EvacuationOutcome outcome = evacuation.outcome();
        if (evacuation.repeated()) {
            log.info("evacuation incident={} request={} seen before: publishing the same plan again",
                    request.incidentId(), request.requestId());
        } else {
            metrics.count(PlacementMetrics.Kind.EVACUATION, PlacementMetrics.Outcome.PLACED, outcome.moves().size());
            metrics.count(PlacementMetrics.Kind.EVACUATION, PlacementMetrics.Outcome.NO_HOST_FITS, outcome.unplaced().size());
            outcome.moves().forEach(m -> log.info(
                    "evacuation incident={} request={} vm={} name={} tier={} priority={} from={} to={} generation={} ({})",
                    request.incidentId(), request.requestId(), m.spec().vmId(), m.spec().name(), m.spec().tier(),
                    m.spec().priority(), m.fromHostId(), m.targetHostId(), m.placement().generation(), m.decisionReason()));
            outcome.unplaced().forEach(u -> log.warn(
                    "evacuation incident={} request={} vm={} name={} tier={} from={} unplaced: {}",
                    request.incidentId(), request.requestId(), u.spec().vmId(), u.spec().name(), u.spec().tier(),
                    u.fromHostId(), u.reason()));
        }
        EvacuationPlan plan = publisher.publishEvacuation(request, outcome);
        log.info("evacuation incident={} request={} hosts={} plan published: {} assigned, {} unplaced",
                plan.incidentId(), plan.requestId(), request.failedHostIds(), plan.assignments().size(),
                plan.unplaced().size());
    }
}
