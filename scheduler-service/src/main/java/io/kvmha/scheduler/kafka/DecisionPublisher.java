package io.kvmha.scheduler.kafka;

import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.scheduler.SchedulerProperties;
import io.kvmha.scheduler.core.Admission;
import io.kvmha.scheduler.core.EvacuationOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.Placer;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Publishes the events that make a decision real, and waits for Kafka's acknowledgement: a new VM's
 * spec, placement and start command; a batch of evacuations' placements, and only after them their plans, so
 * whoever acts on a plan finds its placements already in the ledger.
 */
@Component
public class DecisionPublisher {

    public static final String ISSUER = "scheduler-service";

    private final EventPublisher publisher;
    private final SchedulerProperties properties;
    private final Clock clock;

    public DecisionPublisher(EventPublisher publisher, SchedulerProperties properties, Clock schedulerClock) {
        this.publisher = publisher;
        this.properties = properties;
        this.clock = schedulerClock;
    }

    /** Publishes VmSpec, Placement and HostCommand(DEFINE_AND_START) and returns the command. */
    public HostCommand publishNewVm(Admission.Admitted admitted) {
        Instant now = clock.instant();
        HostCommand command = new HostCommand(UUID.randomUUID().toString(), admitted.placement().hostId(),
                admitted.spec().vmId(), HostCommand.Action.DEFINE_AND_START, admitted.spec(),
                admitted.placement().generation(), null, ISSUER, now, now.plus(properties.commandTimeout()));
        sendAll(List.of(admitted.spec(), admitted.placement(), command), "vm " + admitted.spec().vmId());
        return command;
    }

    /**
     * Publishes the placements of every move of a batch of answered requests, awaited once, then their plans,
     * awaited once (a plan never precedes its placements), and returns the plans in the requests' order.
     */
    public List<EvacuationPlan> publishEvacuations(List<EvacuationRequest> requests, List<EvacuationOutcome> outcomes) {
        List<KvmHaEvent> placements = new ArrayList<>();
        outcomes.forEach(o -> o.moves().forEach(m -> placements.add(m.placement())));
        String incidents = requests.stream().map(EvacuationRequest::incidentId).distinct().sorted()
                .collect(Collectors.joining(","));
        sendAll(placements, "placements of incidents " + incidents);
        Instant now = clock.instant();
        List<EvacuationPlan> plans = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            EvacuationRequest request = requests.get(i);
            EvacuationOutcome outcome = outcomes.get(i);
            plans.add(new EvacuationPlan(request.requestId(), request.incidentId(),
                    outcome.moves().stream().map(m -> new EvacuationPlan.Assignment(m.spec(), m.fromHostId(),
                            m.targetHostId(), m.placement().generation(), m.placement())).toList(),
                    outcome.unplaced().stream().map(u -> new EvacuationPlan.Unplaced(u.spec().vmId(), u.spec().tier(),
                            u.reason())).toList(),
                    now));
        }
        sendAll(plans, "plans of incidents " + incidents);
        return plans;
    }

    /** Publishes the placements of a drain or a migration (the failover service orchestrates the moves). */
    public void publishMoves(List<EvacuationOutcome.Move> moves, String what) {
        sendAll(moves.stream().<KvmHaEvent>map(EvacuationOutcome.Move::placement).toList(), what);
    }

    /**
     * Deletes a VM: DESTROY and UNDEFINE to its host (when placed), then tombstones for its placement and
     * spec, so the ledger of every instance frees its capacity.
     */
    public List<HostCommand> publishDeletion(Placer.Deleted deleted) {
        Instant now = clock.instant();
        String vmId = deleted.spec().vmId();
        List<HostCommand> commands = new ArrayList<>();
        if (deleted.placement() != null) {
            for (HostCommand.Action action : List.of(HostCommand.Action.DESTROY, HostCommand.Action.UNDEFINE)) {
                commands.add(new HostCommand(UUID.randomUUID().toString(), deleted.placement().hostId(), vmId, action,
                        null, deleted.placement().generation(), null, ISSUER, now, now.plus(properties.commandTimeout())));
            }
        }
        sendAll(commands, "delete commands of vm " + vmId);
        await(List.of(publisher.tombstone(Topic.PLACEMENTS, vmId), publisher.tombstone(Topic.VM_SPECS, vmId)),
                "tombstones of vm " + vmId);
        return commands;
    }

    private void sendAll(List<? extends KvmHaEvent> events, String what) {
        await(events.stream().<CompletableFuture<?>>map(publisher::publish).toList(), what);
    }

    private void await(List<CompletableFuture<?>> futures, String what) {
        CompletableFuture<?>[] sends = futures.toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(sends).get(properties.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublicationFailedException("interrupted while publishing " + what, e);
        } catch (ExecutionException e) {
            throw new PublicationFailedException("Kafka refused " + what + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new PublicationFailedException("Kafka did not acknowledge " + what + " within "
                    + properties.publishTimeout(), e);
        }
    }
}
