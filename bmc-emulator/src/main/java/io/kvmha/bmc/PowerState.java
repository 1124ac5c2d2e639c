package io.kvmha.bmc;

/** Redfish {@code PowerState} values this emulator reports. */
public enum PowerState {
    On, Off, PoweringOn, PoweringOff
}
