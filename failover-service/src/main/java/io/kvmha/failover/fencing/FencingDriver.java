package io.kvmha.failover.fencing;

/**
 * One way to power a host off and confirm it: a BMC over Redfish, ipmitool. Blocking; the
 * {@link FencingChain} adds timeouts and retries around it.
 */
public interface FencingDriver {

    /** "redfish", "ipmi": names the driver in evidence and metrics. */
    String name();

    /** Powers the host off (unless its chassis already reports off) and confirms the power state is off. */
    DriverResult fence(String hostId) throws InterruptedException;

    /**
     * Reads the power state without changing it, to learn at start-up that the BMC answers (and to warm the
     * client so the first real fencing is fast). Returns what it saw, for the log.
     */
    default String probe(String hostId) throws InterruptedException {
        return "not probed";
    }

    /** What one attempt established. {@code detail} is evidence for operators and never carries a secret. */
    record DriverResult(Kind kind, String detail) {

        public enum Kind {
            /** The BMC reports the chassis off. */
            OFF,
            /** The BMC answered and did not power off (error status, credentials refused, still on after the poll). */
            REFUSED,
            /** No answer: connection refused, timeout. Worth a retry, then the next driver. */
            UNREACHABLE
        }

        public static DriverResult off(String detail) {
            return new DriverResult(Kind.OFF, detail);
        }

        public static DriverResult refused(String detail) {
            return new DriverResult(Kind.REFUSED, detail);
        }

        public static DriverResult unreachable(String detail) {
            return new DriverResult(Kind.UNREACHABLE, detail);
        }
    }
}
