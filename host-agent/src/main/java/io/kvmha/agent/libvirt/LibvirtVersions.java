package io.kvmha.agent.libvirt;

/** libvirt encodes versions as major * 1,000,000 + minor * 1,000 + release. */
final class LibvirtVersions {

    private LibvirtVersions() {
    }

    static String format(long version) {
        return (version / 1_000_000) + "." + (version / 1_000 % 1_000) + "." + (version % 1_000);
    }
}
