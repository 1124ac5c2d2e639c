package io.kvmha.monitor.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueingGuardTest {

    final List<String> applied = new ArrayList<>();
    final QueueingGuard<List<String>> guard = new QueueingGuard<>(applied, 2);

    @Test
    void aChangeIsAppliedAtOnceWhenNobodyHoldsTheLock() {
        guard.change(s -> s.add("a"));

        assertThat(applied).containsExactly("a");
        assertThat(guard.pending()).isZero();
    }

    @Test
    void aWriterDoesNotWaitForAReaderAndTheReaderAfterSeesItsChange() throws Exception {
        List<String> seenByReader = guard.read(s -> {
            // Another thread writes while this reader holds the lock: it must return without waiting.
            runInOtherThread(() -> guard.change(x -> x.add("queued")));
            assertThat(guard.pending()).isEqualTo(1);
            return List.copyOf(s);
        });

        assertThat(seenByReader).isEmpty();
        List<String> after = guard.read(List::copyOf);
        assertThat(after).containsExactly("queued");
        assertThat(guard.pending()).isZero();
    }

    @Test
    void queuedChangesAreAppliedInOrderBeforeTheNextOne() throws Exception {
        guard.read(s -> {
            runInOtherThread(() -> {
                guard.change(x -> x.add("1"));
                guard.change(x -> x.add("2"));
            });
            return null;
        });
        guard.change(s -> s.add("3"));

        assertThat(applied).containsExactly("1", "2", "3");
    }

    @Test
    void overTheBoundAWriterWaitsForTheLock() throws Exception {
        Thread writer = new Thread(() -> {
            guard.change(x -> x.add("1"));
            guard.change(x -> x.add("2"));
            guard.change(x -> x.add("3 waited"));
        });
        guard.read(s -> {
            writer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.getState() == Thread.State.WAITING);
            assertThat(guard.pending()).isEqualTo(2);
            assertThat(s).isEmpty();
            return null;
        });
        writer.join();

        assertThat(applied).containsExactly("1", "2", "3 waited");
    }

    @Test
    void aChangeAppliedAtOnceThrowsToItsCaller_aQueuedOneIsSkipped() throws Exception {
        assertThatThrownBy(() -> guard.change(s -> {
            throw new IllegalStateException("bad record");
        })).hasMessage("bad record");

        guard.read(s -> {
            runInOtherThread(() -> {
                guard.change(x -> {
                    throw new IllegalStateException("bad queued record");
                });
                guard.change(x -> x.add("next"));
            });
            return null;
        });

        List<String> after = guard.read(List::copyOf);
        assertThat(after).containsExactly("next");
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThatThrownBy(() -> new QueueingGuard<>(applied, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void runInOtherThread(Runnable action) {
        Thread thread = new Thread(action);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
