package io.kvmha.scheduler.core;

/** Why one host cannot take a VM. */
public record Refusal(String hostId, Cause cause, String detail) {

    public enum Cause {
        EXCLUDED("excluded"),
        NOT_ONLINE("not ONLINE"),
        MEMORY("short of memory"),
        VCPUS("short of vCPUs");

        private final String label;

        Cause(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
