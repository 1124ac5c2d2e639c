package io.kvmha.agent.core;

import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns a {@link VmSpec} into libvirt domain XML. A pure function: same spec and type, same XML.
 *
 * <p>The domain UUID is the VM id, so every host names the VM the same way and a second
 * definition of the same VM on one host is the same domain, not a copy. The guest has no disk
 * (shared storage comes later); {@code on_crash=destroy} so that a crashed guest stops and is
 * reported, instead of being restarted behind the control plane's back. The kvm-ha metadata
 * lets the agent tell HA-protected domains from others without asking the scheduler.
 */
public final class DomainXmlBuilder {

    /** Namespace of the kvm-ha block inside {@code <metadata>}. */
    public static final String METADATA_NAMESPACE = "https://kvmha.io/xmlns/domain/1";

    private DomainXmlBuilder() {
    }

    public static String toXml(VmSpec spec, DomainType type) {
        return toXml(spec, type, List.of());
    }

    /**
     * The domain XML with the placement's NUMA claims applied exactly as given (nothing is re-fitted here):
     * {@code <cpu><numa>} guest cells, {@code <numatune>} memnodes (strict) binding each guest cell to its
     * host cell, {@code <cputune>} vcpupins (one host CPU per pinned vCPU, or the claim's cpuset for shared
     * vCPUs) and hugepages per guest cell in {@code <memoryBacking>}. No claims: no NUMA tuning at all.
     */
    public static String toXml(VmSpec spec, DomainType type, List<Placement.NumaClaim> claims) {
        return toXml(spec, type, claims, GuestBoot.NONE);
    }

    /** As {@link #toXml(VmSpec, DomainType, List)}, booting the given kernel and logging the serial port to a file. */
    public static String toXml(VmSpec spec, DomainType type, List<Placement.NumaClaim> claims, GuestBoot boot) {
        StringBuilder xml = new StringBuilder(1024);
        xml.append("<domain type='").append(type.xmlName()).append("'>\n");
        xml.append("  <name>").append(escape(spec.name())).append("</name>\n");
        xml.append("  <uuid>").append(escape(spec.vmId())).append("</uuid>\n");
        xml.append("  <metadata>\n");
        xml.append("    <kvmha:vm xmlns:kvmha='").append(METADATA_NAMESPACE).append("'>\n");
        xml.append("      <kvmha:tier>").append(spec.tier()).append("</kvmha:tier>\n");
        xml.append("      <kvmha:ha-policy>").append(spec.haPolicy()).append("</kvmha:ha-policy>\n");
        xml.append("      <kvmha:priority>").append(spec.priority()).append("</kvmha:priority>\n");
        xml.append("    </kvmha:vm>\n");
        xml.append("  </metadata>\n");
        xml.append("  <memory unit='MiB'>").append(spec.memoryMib()).append("</memory>\n");
        xml.append("  <currentMemory unit='MiB'>").append(spec.memoryMib()).append("</currentMemory>\n");
        if (!claims.isEmpty()) {
            numaTuning(xml, claims);
        }
        xml.append("  <vcpu placement='static'>").append(spec.vcpus()).append("</vcpu>\n");
        if (!claims.isEmpty()) {
            cpuTuning(xml, claims);
        }
        xml.append("  <os>\n");
        xml.append("    <type>hvm</type>\n");
        if (boot.kernel() != null) {
            xml.append("    <kernel>").append(escape(boot.kernel())).append("</kernel>\n");
        }
        xml.append("  </os>\n");
        // ACPI, so that a graceful shutdown (the power button) reaches a guest OS that listens for it.
        xml.append("  <features>\n    <acpi/>\n  </features>\n");
        if (!claims.isEmpty()) {
            xml.append("  <cpu>\n    <numa>\n");
            for (Placement.NumaClaim c : claims) {
                xml.append("      <cell id='").append(c.guestCell()).append("' cpus='").append(ranges(c.vcpus()))
                        .append("' memory='").append(c.memoryMib()).append("' unit='MiB'/>\n");
            }
            xml.append("    </numa>\n  </cpu>\n");
        }
        xml.append("  <on_poweroff>destroy</on_poweroff>\n");
        xml.append("  <on_reboot>restart</on_reboot>\n");
        xml.append("  <on_crash>destroy</on_crash>\n");
        if (boot.serialLogDir() != null) {
            // append='on': a migrated guest's destination QEMU opens the same file; its output continues there.
            xml.append("  <devices>\n    <serial type='file'>\n      <source path='")
                    .append(escape(boot.serialLog(spec.vmId()))).append("' append='on'/>\n")
                    .append("      <target port='0'/>\n    </serial>\n  </devices>\n");
        }
        xml.append("</domain>\n");
        return xml.toString();
    }

    private static void numaTuning(StringBuilder xml, List<Placement.NumaClaim> claims) {
        List<Placement.NumaClaim> backed = claims.stream().filter(c -> c.hugepageSizeKib() != null).toList();
        if (!backed.isEmpty()) {
            xml.append("  <memoryBacking>\n    <hugepages>\n");
            for (Placement.NumaClaim c : backed) {
                xml.append("      <page size='").append(c.hugepageSizeKib()).append("' unit='KiB' nodeset='")
                        .append(c.guestCell()).append("'/>\n");
            }
            xml.append("    </hugepages>\n  </memoryBacking>\n");
        }
    }

    private static void cpuTuning(StringBuilder xml, List<Placement.NumaClaim> claims) {
        StringBuilder pins = new StringBuilder();
        for (Placement.NumaClaim c : claims) {
            if (!c.pins().isEmpty()) {
                for (Placement.Pin pin : c.pins()) {
                    pins.append("    <vcpupin vcpu='").append(pin.vcpu()).append("' cpuset='").append(pin.pcpu()).append("'/>\n");
                }
            } else if (!c.cpuset().isEmpty()) {
                for (int vcpu : c.vcpus()) {
                    pins.append("    <vcpupin vcpu='").append(vcpu).append("' cpuset='").append(ranges(c.cpuset())).append("'/>\n");
                }
            }
        }
        if (!pins.isEmpty()) {
            xml.append("  <cputune>\n").append(pins).append("  </cputune>\n");
        }
        TreeSet<Integer> hostCells = new TreeSet<>();
        claims.forEach(c -> hostCells.add(c.hostCell()));
        xml.append("  <numatune>\n");
        xml.append("    <memory mode='strict' nodeset='").append(ranges(List.copyOf(hostCells))).append("'/>\n");
        for (Placement.NumaClaim c : claims) {
            xml.append("    <memnode cellid='").append(c.guestCell()).append("' mode='strict' nodeset='")
                    .append(c.hostCell()).append("'/>\n");
        }
        xml.append("  </numatune>\n");
    }

    /** {@code [0,1,2,3,8]} as libvirt's {@code 0-3,8}. */
    static String ranges(List<Integer> ids) {
        TreeSet<Integer> sorted = new TreeSet<>(ids);
        StringBuilder out = new StringBuilder();
        Integer start = null;
        Integer previous = null;
        for (int id : sorted) {
            if (start == null) {
                start = id;
            } else if (id != previous + 1) {
                append(out, start, previous);
                start = id;
            }
            previous = id;
        }
        if (start != null) {
            append(out, start, previous);
        }
        return out.toString();
    }

    private static void append(StringBuilder out, int from, int to) {
        if (!out.isEmpty()) {
            out.append(',');
        }
        out.append(from);
        if (to > from) {
            out.append('-').append(to);
        }
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\'' -> out.append("&apos;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
