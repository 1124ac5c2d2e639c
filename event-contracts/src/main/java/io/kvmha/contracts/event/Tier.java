package io.kvmha.contracts.event;

/** SLA tiers, in recovery order. */
public enum Tier {
    GOLD, SILVER, BRONZE
}
