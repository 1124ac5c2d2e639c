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

    public static final String PLANS_ID = "failover-plans";
    public static final String RESULTS_ID = "failover-command-results";

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;

    public RecoveryEventListener(FailoverEngine engine, DecisionPublisher decisions) {
        this.engine = engine;
        this.decisions = decisions;
    }

    @KafkaListener(id = PLANS_ID, idIsGroup = false, topics = Topic.Names.PLACEMENT_PLANS)
    public void on(EvacuationPlan plan) {
        decisions.decide(() -> engine.onPlan(plan));
    }

    @KafkaListener(id = RESULTS_ID, idIsGroup = false, topics = Topic.Names.COMMAND_RESULTS)
    public void on(CommandResult result) {
        decisions.decide(() -> engine.onCommandResult(result));
    }
}
