package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.SchedulerProperties;
import io.kvmha.scheduler.core.EvacuationAsk;
import io.kvmha.scheduler.core.EvacuationOutcome;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.metrics.PlacementMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;

/**
 * Answers evacuation requests. The request topic has one partition and this listener uses the service's
 * shared consumer group, so exactly one scheduler instance answers each request, in order.
 *
 * <p>Batch listener: the requests of one poll (a rack losing power sends one per host within a fraction of a
 * second) are planned together in one recovery order, their placements published and awaited once, then their
 * plans. So that a burst is one poll, a batch whose first record is younger than {@code evacuation-gather-window}
 * is held back: the listener waits until the window since that record has passed, seeks back to it and returns
 * without acknowledging; the next poll reads the whole burst from there and it is answered at once. Offsets are
 * acknowledged (manual, immediate) only after the plans are published, so a request is never committed unanswered.
 * An unreadable record (value null, the deserializer's exception in a header) ends the batch where it
 * stands: the requests before it are answered, then a {@link BatchListenerFailedException} naming its index lets
 * the contracts' error handler commit those, dead-letter it (never retried) and deliver the rest again.
 */
@Component
public class EvacuationRequestListener implements ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(EvacuationRequestListener.class);
    private static final LogAccessor HEADER_LOG = new LogAccessor(EvacuationRequestListener.class);

    private final Placer placer;
    private final DecisionPublisher publisher;
    private final PlacementMetrics metrics;
    private final SchedulerProperties properties;
    private final Clock clock;
    private final ActivePlacer activePlacer;
    /** Offset of the first record of the batch held back last (consumer thread only); read again, it is answered. */
    private long gatheredFrom = -1;

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
            gatheredFrom = -1;
            activePlacer.gained();
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            activePlacer.lost();
        }
    }

    /** Acknowledged by the listener, after the plans are published (see the class comment). */
    @Bean
    static ContainerPostProcessor<String, KvmHaEvent, AbstractMessageListenerContainer<String, KvmHaEvent>>
            evacuationRequestContainer() {
        return container -> container.getContainerProperties().setAckMode(ContainerProperties.AckMode.MANUAL_IMMEDIATE);
    }

    // A short fetch wait: after the gather's seek, the consumer first awaits the fetch it already sent for the offset
    // past the batch, which the broker holds up to fetch.max.wait.ms (500 ms by default) when nothing is there.
    @KafkaListener(id = ListenerIds.EVACUATION_REQUESTS, topics = Topic.Names.PLACEMENT_REQUESTS, batch = "true",
            containerPostProcessor = "evacuationRequestContainer", properties = "fetch.max.wait.ms=20")
    void on(List<ConsumerRecord<String, KvmHaEvent>> records, Acknowledgment acknowledgment, Consumer<?, ?> consumer) {
        // The owner of the request partition: make sure the view holds everything a predecessor published.
        activePlacer.awaitCaughtUp(Duration.ofSeconds(30));
        if (heldBack(records, consumer)) {
            return;
        }
        List<EvacuationRequest> requests = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, KvmHaEvent> record = records.get(i);
            DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
                    SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, HEADER_LOG);
            if (unreadable != null || (record.value() != null && !(record.value() instanceof EvacuationRequest))) {
                answer(requests);
                throw new BatchListenerFailedException("unreadable evacuation request at offset " + record.offset(),
                        unreadable != null ? unreadable
                                : new IllegalArgumentException("not an EvacuationRequest: " + record.value()), i);
            }
            if (record.value() instanceof EvacuationRequest request) {
                requests.add(request);
            }
        }
        answer(requests);
        acknowledgment.acknowledge();
    }

    /**
     * Whether this batch is the start of a burst still arriving: then waits until the gather window since its first
     * record has passed and seeks back to that record, so the next poll returns the burst whole. A batch read again
     * after such a wait, or older than the window, is not held back (so each batch waits at most one window).
     */
    private boolean heldBack(List<ConsumerRecord<String, KvmHaEvent>> records, Consumer<?, ?> consumer) {
        long window = properties.evacuationGatherWindow().toMillis();
        if (window == 0 || records.isEmpty() || records.get(0).offset() == gatheredFrom) {
            return false;
        }
        ConsumerRecord<String, KvmHaEvent> first = records.get(0);
        long wait = Math.min(window, first.timestamp() + window - clock.millis());
        if (wait <= 0) {
            return false;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        gatheredFrom = first.offset();
        consumer.seek(new TopicPartition(first.topic(), first.partition()), first.offset());
        return true;
    }

    /** Plans the fresh requests together and publishes their plans. */
    private void answer(List<EvacuationRequest> requests) {
        Instant now = clock.instant();
        List<EvacuationRequest> fresh = new ArrayList<>(requests.size());
        for (EvacuationRequest request : requests) {
            Duration age = Duration.between(request.requestedAt(), now);
            if (age.compareTo(properties.evacuationMaxAge()) > 0) {
                log.warn("evacuation incident={} request={} hosts={} ignored: {} s old, older than {}",
                        request.incidentId(), request.requestId(), request.failedHostIds(), age.toSeconds(),
                        properties.evacuationMaxAge());
            } else {
                fresh.add(request);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        // One timing for the whole batch: the batch is one decision (one pass under the lock).
        List<Placer.Evacuation> evacuations = metrics.timeDecision(PlacementMetrics.Kind.EVACUATION,
                () -> placer.evacuateAll(fresh.stream().map(EvacuationAsk::of).toList()));
        List<EvacuationOutcome> outcomes = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            outcomes.add(evacuations.get(i).outcome());
            logDecisions(fresh.get(i), evacuations.get(i));
        }
        List<EvacuationPlan> plans = publisher.publishEvacuations(fresh, outcomes);
        for (int i = 0; i < plans.size(); i++) {
            EvacuationPlan plan = plans.get(i);
            log.info("evacuation incident={} request={} hosts={} plan published: {} assigned, {} unplaced",
                    plan.incidentId(), plan.requestId(), fresh.get(i).failedHostIds(), plan.assignments().size(),
                    plan.unplaced().size());
        }
    }

    private void logDecisions(EvacuationRequest request, Placer.Evacuation evacuation) {
        if (!request.vmIds().isEmpty()) {
            log.info("evacuation incident={} request={} re-placement of vms={} excluding hosts={}", request.incidentId(),
                    request.requestId(), request.vmIds(), request.excludeHostIds());
        }
        EvacuationOutcome outcome = evacuation.outcome();
        if (evacuation.repeated()) {
            log.info("evacuation incident={} request={} seen before: publishing the same plan again",
                    request.incidentId(), request.requestId());
            return;
        }
        metrics.count(PlacementMetrics.Kind.EVACUATION, PlacementMetrics.Outcome.PLACED, outcome.moves().size());
        metrics.count(PlacementMetrics.Kind.EVACUATION, PlacementMetrics.Outcome.NO_HOST_FITS, outcome.unplaced().size());
        if (log.isInfoEnabled()) {
            for (EvacuationOutcome.Move m : outcome.moves()) {
                log.info("evacuation incident={} request={} vm={} name={} tier={} priority={} from={} to={} "
                                + "generation={} ({})", request.incidentId(), request.requestId(), m.spec().vmId(),
                        m.spec().name(), m.spec().tier(), m.spec().priority(), m.fromHostId(), m.targetHostId(),
                        m.placement().generation(), m.decisionReason());
            }
        }
        for (EvacuationOutcome.Unplaced u : outcome.unplaced()) {
            log.warn("evacuation incident={} request={} vm={} name={} tier={} from={} unplaced: {}",
                    request.incidentId(), request.requestId(), u.spec().vmId(), u.spec().name(), u.spec().tier(),
                    u.fromHostId(), u.reason());
        }
    }
}
