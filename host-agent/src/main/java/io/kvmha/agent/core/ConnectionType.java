package io.kvmha.agent.core;

/** Which hypervisor driver a connection URI selects. */
public enum ConnectionType {
    /** libvirt's in-process test driver: simulated hosts. */
    TEST,
    /** QEMU/KVM through libvirtd. */
    QEMU,
    OTHER;

    public static ConnectionType ofUri(String uri) {
        String scheme = uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : uri;
        String driver = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        return switch (driver) {
            case "test" -> TEST;
            case "qemu" -> QEMU;
            default -> OTHER;
        };
    }
}
