package io.kvmha.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MigrationUrisTest {

    final MigrationUris uris = new MigrationUris();

    @Test
    void thePublishedMigrationUriWinsThenARemoteLibvirtUriThenTheHostId() {
        uris.inventory("h1", "qemu+tcp://10.0.0.11/system", "qemu:///system");
        uris.inventory("h2", null, "qemu+tcp://127.0.0.1:16510/system");
        uris.inventory("h3", null, "qemu:///system");
        uris.inventory("h4", " ", "test:///default");

        assertThat(uris.of("h1")).isEqualTo("qemu+tcp://10.0.0.11/system");
        assertThat(uris.of("h2")).isEqualTo("qemu+tcp://127.0.0.1:16510/system");
        assertThat(uris.of("h3")).isEqualTo("qemu+tcp://h3/system");
        assertThat(uris.of("h4")).isEqualTo("qemu+tcp://h4/system");
        assertThat(uris.of("never-seen")).isEqualTo("qemu+tcp://never-seen/system");

        uris.inventory("h1", null, null);
        assertThat(uris.of("h1")).isEqualTo("qemu+tcp://h1/system");
    }
}
