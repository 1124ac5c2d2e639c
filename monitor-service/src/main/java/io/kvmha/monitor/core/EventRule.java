package io.kvmha.monitor.core;

import io.kvmha.contracts.event.KvmHaEvent;
import java.util.List;

/**
 * An alerting rule over single events. A rule is stateless: for each event it states which alert
 * conditions now hold or no longer hold, and the {@link AlertTracker} runs the alert lifecycle
 * (pending, firing, resolved, the {@code for} and {@code keep_firing_for} timers, idempotency).
 */
public interface EventRule extends AlertRule {

    /** The conditions this event sets or clears; empty when the event is not about this rule. */
    List<AlertCondition> evaluate(KvmHaEvent event);
}
