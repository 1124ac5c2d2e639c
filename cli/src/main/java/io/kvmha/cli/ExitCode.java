package io.kvmha.cli;

/** kvmha's exit codes, documented in the module README and in {@code kvmha --help}. */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;
    /** The service refused the request (4xx): invalid input, unknown id, conflict. */
    public static final int REFUSED = 1;
    /** The command line itself is wrong (picocli's usage error), or a safety flag such as --force is missing. */
    public static final int USAGE = 2;
    /** A service could not be reached. */
    public static final int UNREACHABLE = 3;
    /** A service failed (5xx) or answered something unreadable. */
    public static final int SERVICE_ERROR = 4;
    /** The awaited operation ended, but not completely: a drain left VMs behind, an incident PARTIAL or FAILED. */
    public static final int INCOMPLETE = 5;
    /** kvmha stopped waiting (--wait-timeout); the operation goes on in the cluster. */
    public static final int WAIT_TIMEOUT = 6;

    private ExitCode() {
    }
}
