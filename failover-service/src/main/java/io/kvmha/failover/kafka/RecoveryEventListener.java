package io.kvmha.failover.kafka;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Evacuation plans and command results move open incidents forward; others' plans and results are ignored. */
@Component
public class RecoveryEventListener {

    /**
     * Without a committed offset (a new group), plans and results are read from the beginning: a plan
     * published while this group was still joining, or while a crashed instance was being replaced, belongs
     * to an incident that must go on. Plans and results of closed or unknown incidents are ignored.
     */
    static final String EARLIEST = "auto.offset.reset=earliest";
    public static final String PLANS_ID = "failover-plans";
    public static final String RESULTS_ID = "failover-command-results";

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;

    public RecoveryEventListener(FailoverEngine engine, DecisionPublisher decisions) {
        this.engine = engine;
        this.decisions = decisions;
    }

    @KafkaListener(id = PLANS_ID, idIsGroup = false, topics = Topic.Names.PLACEMENT_PLANS, properties = EARLIEST)
    public void on(EvacuationPlan plan) {
        decisions.decide(() -> engine.onPlan(plan));
    }

    @KafkaListener(id = RESULTS_ID, idIsGroup = false, topics = Topic.Names.COMMAND_RESULTS, properties = EARLIEST)
    public void on(CommandResult result) {
        decisions.decide(() -> engine.onCommandResult(result));
    }
}
