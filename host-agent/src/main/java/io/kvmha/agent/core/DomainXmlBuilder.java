package io.kvmha.agent.core;

import io.kvmha.contracts.event.VmSpec;

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
        StringBuilder xml = new StringBuilder(512);
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
        xml.append("  <vcpu placement='static'>").append(spec.vcpus()).append("</vcpu>\n");
        xml.append("  <os>\n");
        xml.append("    <type>hvm</type>\n");
        xml.append("  </os>\n");
        xml.append("  <on_poweroff>destroy</on_poweroff>\n");
        xml.append("  <on_reboot>restart</on_reboot>\n");
        xml.append("  <on_crash>destroy</on_crash>\n");
        xml.append("</domain>\n");
        return xml.toString();
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
