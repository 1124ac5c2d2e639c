package io.kvmha.agent.core;

/** The {@code type} attribute of a libvirt {@code <domain>}. */
public enum DomainType {
    /** libvirt's test driver. */
    TEST("test"),
    /** Hardware virtualisation through /dev/kvm. */
    KVM("kvm"),
    /** QEMU software emulation (TCG), where /dev/kvm is missing or refuses. */
    QEMU("qemu");

    private final String xmlName;

    DomainType(String xmlName) {
        this.xmlName = xmlName;
    }

    public String xmlName() {
        return xmlName;
    }
}
