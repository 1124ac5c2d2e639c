package io.kvmha.scheduler.kafka;

/** Ids of the scheduler's listener containers, for the registry and tests. */
public final class ListenerIds {

    public static final String HOST_INVENTORY = "scheduler.host-inventory";
    public static final String HOST_HEALTH = "scheduler.host-health";
    public static final String VM_SPECS = "scheduler.vm-specs";
    public static final String PLACEMENTS = "scheduler.placements";
    public static final String EVACUATION_REQUESTS = "scheduler.evacuation-requests";

    private ListenerIds() {
    }
}
