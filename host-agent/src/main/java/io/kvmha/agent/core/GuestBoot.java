package io.kvmha.agent.core;

import org.jspecify.annotations.Nullable;

/**
 * How disk-less guests boot and where their serial console goes, for hosts that give every VM the same
 * boot image (the testbed's counter guest, a PXE-less lab). Real deployments with disks on shared storage
 * leave both empty.
 *
 * @param kernel       a kernel image every host can read, booted with libvirt's {@code <kernel>}; null = none
 * @param serialLogDir a directory every host can write; the first serial port of VM {@code ID} is appended to
 *                     {@code <dir>/ID.log}, so its output continues in one file across live migration; null = none
 */
public record GuestBoot(@Nullable String kernel, @Nullable String serialLogDir) {

    public static final GuestBoot NONE = new GuestBoot(null, null);

    public String serialLog(String vmId) {
        return serialLogDir + "/" + vmId + ".log";
    }
}
