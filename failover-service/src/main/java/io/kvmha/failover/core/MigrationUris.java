package io.kvmha.failover.core;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * The libvirt URI a source host live-migrates a VM to, per target host: the {@code migrationUri} its inventory
 * publishes (the agent's {@code kvmha.agent.migration-uri}); else the URI its agent connects to, when that names
 * a host ({@code qemu+tcp://10.0.0.12/system}, or a loopback port on a test bed); a local URI
 * ({@code qemu:///system}) says nothing about how others reach it, so then {@code qemu+tcp://<hostId>/system},
 * host ids being resolvable names. Not thread-safe.
 */
final class MigrationUris {

    private final Map<String, String> inventoryUris = new HashMap<>();

    void inventory(String hostId, String migrationUri, String libvirtUri) {
        String uri = migrationUri != null && !migrationUri.isBlank() ? migrationUri
                : libvirtUri != null && namesAHost(libvirtUri) ? libvirtUri : null;
        if (uri == null) {
            inventoryUris.remove(hostId);
        } else {
            inventoryUris.put(hostId, uri);
        }
    }

    String of(String hostId) {
        return inventoryUris.getOrDefault(hostId, "qemu+tcp://" + hostId + "/system");
    }

    static boolean namesAHost(String uri) {
        try {
            String host = URI.create(uri).getHost();
            return host != null && !host.isBlank();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
