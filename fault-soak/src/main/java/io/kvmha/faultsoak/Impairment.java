package io.kvmha.faultsoak;

/** What can be wrong with one host for a while: the legitimate reasons to judge it dead and fence it. */
public enum Impairment {
    POWER_OFF, PARTITION, SLOW, LIBVIRTD_DOWN, AGENT_DOWN
}
