package io.kvmha.bmc;

/** What a simulated BMC does wrong, set per system at run time. */
public enum Fault {
    /** Behaves. */
    NONE,
    /** Answers, but refuses every reset action with HTTP 500 and a Redfish error; the power stays as it is. */
    REFUSE,
    /** Accepts the connection and never answers (until the fault is cleared or the emulator closes): clients time out. */
    UNREACHABLE
}
