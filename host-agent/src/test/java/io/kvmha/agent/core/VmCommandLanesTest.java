package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VmCommandLanesTest {

    final ExecutorService threads = Executors.newFixedThreadPool(4);
    final VmCommandLanes lanes = new VmCommandLanes(threads);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void differentVmsRunSideBySide() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        CompletableFuture<Boolean> a = lanes.submit("vm-a", () -> meet(bothRunning));
        CompletableFuture<Boolean> b = lanes.submit("vm-b", () -> meet(bothRunning));
        assertThat(a.get(10, TimeUnit.SECONDS)).as("vm-a saw vm-b's command running at the same time").isTrue();
        assertThat(b.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void oneVmsCommandsRunInOrderEvenAfterAFailure() throws Exception {
        List<String> done = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = lanes.submit("vm-a", () -> {
            waitFor(release);
            done.add("start");
            throw new IllegalStateException("libvirt said no");
        });
        CompletableFuture<String> second = lanes.submit("vm-a", () -> {
            done.add("destroy");
            return "destroyed";
        });
        assertThat(second).isNotDone();
        release.countDown();
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("destroyed");
        assertThat(first).isCompletedExceptionally();
        assertThat(done).containsExactly("start", "destroy");
        await().atMost(Duration.ofSeconds(5)).until(() -> lanes.busyVms() == 0);
    }

    private static boolean meet(CountDownLatch latch) {
        latch.countDown();
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
