package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HypervisorConnectorTest {

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final FakeHypervisor hypervisor = new FakeHypervisor();
    final List<String> seen = new CopyOnWriteArrayList<>();
    final HypervisorConnector.Listener listener = new HypervisorConnector.Listener() {
        @Override
        public void connected(String uri) {
            seen.add("connected");
        }

        @Override
        public void connectFailed(String uri, String message, int failures, Duration retryIn) {
            seen.add("failed " + failures + ": " + message);
        }

        @Override
        public void lost(String uri) {
            seen.add("lost");
        }
    };

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    HypervisorConnector connector() {
        return new HypervisorConnector(hypervisor, scheduler, new Backoff(Duration.ofMillis(10), Duration.ofMillis(40)),
                Duration.ofMillis(20), listener);
    }

    @Test
    void reachableHypervisorIsConnectedWhenStartReturns() {
        connector().start(Duration.ofSeconds(5));
        assertThat(hypervisor.isConnected()).isTrue();
        assertThat(seen).containsExactly("connected");
    }

    @Test
    void unreachableHypervisorIsRetriedWithBackoffUntilItAnswers() {
        hypervisor.failConnects = 3;
        connector().start(Duration.ofSeconds(5));
        assertThat(hypervisor.isConnected()).isFalse();

        await().atMost(Duration.ofSeconds(5)).until(hypervisor::isConnected);
        assertThat(seen).containsExactly(
                "failed 1: cannot connect to libvirt at fake:///: Connection refused",
                "failed 2: cannot connect to libvirt at fake:///: Connection refused",
                "failed 3: cannot connect to libvirt at fake:///: Connection refused",
                "connected");
    }

    @Test
    void lostConnectionIsReopened() {
        connector().start(Duration.ofSeconds(5));
        hypervisor.connected = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
        assertThat(seen).containsExactly("connected", "lost", "connected");
    }

    @Test
    void closedConnectorStopsTrying() {
        hypervisor.failConnects = Integer.MAX_VALUE;
        HypervisorConnector connector = connector();
        connector.start(Duration.ofSeconds(5));
        connector.close();
        int attempts = hypervisor.connectAttempts.get();
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1))
                .until(() -> hypervisor.connectAttempts.get() <= attempts + 1);
    }

    @Test
    void backoffDoublesUpToItsCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delayAfter(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.delayAfter(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delayAfter(1000)).isEqualTo(Duration.ofSeconds(30));
    }
}
