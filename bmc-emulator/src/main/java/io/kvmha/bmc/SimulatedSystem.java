package io.kvmha.bmc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/** One Redfish ComputerSystem: its power state, its fault, and who wants to hear when its power changes. */
final class SimulatedSystem {

    final String id;
    private PowerState power = PowerState.On;
    private Fault fault = Fault.NONE;
    private int resets;
    private final List<BiConsumer<String, PowerState>> listeners = new ArrayList<>();

    private final Executor notifier;

    SimulatedSystem(String id, Executor notifier) {
        this.id = id;
        this.notifier = notifier;
    }

    synchronized PowerState power() {
        return power;
    }

    synchronized Fault fault() {
        return fault;
    }

    synchronized void fault(Fault newFault) {
        fault = newFault;
        notifyAll(); // Releases requests held by UNREACHABLE.
    }

    synchronized int resets() {
        return resets;
    }

    synchronized void countReset() {
        resets++;
    }

    synchronized void addListener(BiConsumer<String, PowerState> listener) {
        listeners.add(listener);
    }

    void power(PowerState next) {
        List<BiConsumer<String, PowerState>> toCall;
        synchronized (this) {
            if (power == next) {
                return;
            }
            power = next;
            toCall = List.copyOf(listeners);
        }
        // On the notifier thread, in order: a listener may stop an agent, which must not delay the HTTP answer.
        notifier.execute(() -> toCall.forEach(l -> l.accept(id, next)));
    }

    /** Holds the calling request thread while the system is UNREACHABLE, at most {@code maxMillis}. */
    synchronized boolean holdWhileUnreachable(long maxMillis) throws InterruptedException {
        long until = System.currentTimeMillis() + maxMillis;
        while (fault == Fault.UNREACHABLE) {
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                return true;
            }
            wait(left);
        }
        return false;
    }
}
