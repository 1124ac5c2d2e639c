package io.kvmha.faultsoak;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The simulated Kafka: topics keyed as the catalogue says, records of one key delivered to each subscriber in the
 * order they were accepted (Kafka's per-partition order), the latest record per key kept for replays (the compacted
 * topics), and the faults a broker and a network add: a broker restart (nothing accepted or delivered meanwhile;
 * producers buffer, heartbeats are lost), duplicated deliveries, jitter that reorders records of different keys, and
 * extra delay per topic.
 */
public final class Bus {

    private final World world;
    private final Map<Topic, List<Subscription>> subscriptions = new EnumMap<>(Topic.class);
    private final Map<Topic, LinkedHashMap<String, KvmHaEvent>> latest = new EnumMap<>(Topic.class);
    private final Map<String, Instant> lastDelivery = new HashMap<>();
    private final List<Consumer<KvmHaEvent>> taps = new ArrayList<>();
    private Instant brokerDownUntil = Instant.MIN;
    private double duplicateChance;
    private Duration jitter = Duration.ZERO;
    private final Map<Topic, Duration> extraDelay = new EnumMap<>(Topic.class);
    private final List<Endpoint> endpoints = new ArrayList<>();

    /**
     * A process that talks to the broker: it is up or not, and reaches the broker or not (a partition). Records
     * it publishes while it cannot reach the broker wait in its producer's buffer (lost if it dies first).
     */
    public static final class Endpoint {
        final String name;
        boolean alive = true;
        boolean partitioned;
        final List<KvmHaEvent> outbox = new ArrayList<>();
        final List<Parked> backlog = new ArrayList<>();
        final Map<Topic, Duration> redeliverWindow = new EnumMap<>(Topic.class);
        final List<Parked> recent = new ArrayList<>();

        public Endpoint(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        boolean connected() {
            return alive && !partitioned;
        }
    }

    private record Subscription(Endpoint endpoint, Consumer<KvmHaEvent> handler, boolean keepsBacklog, String onlyKey) {
    }

    record Parked(Topic topic, KvmHaEvent event, Consumer<KvmHaEvent> handler, Instant deliveredAt) {
    }

    public Bus(World world) {
        this.world = world;
    }

    public Endpoint endpoint(String name) {
        Endpoint endpoint = new Endpoint(name);
        endpoints.add(endpoint);
        return endpoint;
    }

    /**
     * Subscribes an endpoint to a topic. {@code keepsBacklog}: a consumer group with committed offsets (records
     * that arrive while the endpoint is down or cut off wait for it); otherwise they are skipped (a consumer that
     * seeks to the end, or one that replays the compacted topic when it starts). {@code onlyKey}: a filter.
     */
    public void subscribe(Endpoint endpoint, Topic topic, Consumer<KvmHaEvent> handler, boolean keepsBacklog, String onlyKey) {
        subscriptions.computeIfAbsent(topic, t -> new ArrayList<>()).add(new Subscription(endpoint, handler, keepsBacklog, onlyKey));
    }

    /** Records delivered to this endpoint within {@code window} before it dies are delivered again (uncommitted). */
    public void redeliverOnCrash(Endpoint endpoint, Topic topic, Duration window) {
        endpoint.redeliverWindow.put(topic, window);
    }

    /** Every record accepted by the broker, as it is accepted. */
    public void tap(Consumer<KvmHaEvent> tap) {
        taps.add(tap);
    }

    public boolean brokerUp() {
        return !world.now().isBefore(brokerDownUntil);
    }

    /**
     * Publishes from {@code from}. Returns true when the broker accepted the record now (for heartbeats: the
     * acknowledgement self-fencing counts on). A heartbeat that cannot be sent is lost (the agent's heartbeat
     * producer does not retry); any other record waits in the producer's buffer.
     */
    public boolean publish(Endpoint from, KvmHaEvent event) {
        if (!from.alive) {
            return false;
        }
        Topic topic = Topic.forEvent(event.getClass());
        if (!from.connected() || !brokerUp()) {
            if (topic != Topic.HOST_HEARTBEATS) {
                from.outbox.add(event);
            }
            return false;
        }
        accept(topic, event);
        return true;
    }

    private void accept(Topic topic, KvmHaEvent event) {
        String key = event.key();
        LinkedHashMap<String, KvmHaEvent> store = latest.computeIfAbsent(topic, t -> new LinkedHashMap<>());
        store.remove(key);
        store.put(key, event);
        taps.forEach(t -> t.accept(event));
        for (Subscription s : subscriptions.getOrDefault(topic, List.of())) {
            if (s.onlyKey() != null && !s.onlyKey().equals(key)) {
                continue;
            }
            Instant at = deliveryTime(s.endpoint(), topic, key, world.now());
            world.at(at, () -> deliver(s, topic, event));
            if (duplicateChance > 0 && world.chance(duplicateChance)) {
                Instant again = deliveryTime(s.endpoint(), topic, key, at.plusMillis(1 + world.random().nextInt(300)));
                world.at(again, () -> {
                    world.log("bus: duplicate delivery to " + s.endpoint().name() + " of " + Describe.event(event));
                    deliver(s, topic, event);
                });
            }
        }
    }

    private Instant deliveryTime(Endpoint to, Topic topic, String key, Instant from) {
        long extra = 1 + world.random().nextInt(5) + extraDelay.getOrDefault(topic, Duration.ZERO).toMillis();
        if (!jitter.isZero()) {
            extra += world.random().nextLong(jitter.toMillis() + 1);
        }
        Instant at = from.plusMillis(extra);
        String lane = to.name + "|" + topic + "|" + key;
        Instant last = lastDelivery.get(lane);
        if (last != null && !at.isAfter(last)) {
            at = last; // same instant, later sequence: order within a key holds
        }
        lastDelivery.put(lane, at);
        return at;
    }

    private void deliver(Subscription s, Topic topic, KvmHaEvent event) {
        if (!brokerUp()) {
            world.at(brokerDownUntil.plusMillis(1 + world.random().nextInt(50)), () -> deliver(s, topic, event));
            return;
        }
        Endpoint to = s.endpoint();
        if (!to.connected()) {
            if (s.keepsBacklog()) {
                to.backlog.add(new Parked(topic, event, s.handler(), null));
            }
            return;
        }
        if (to.redeliverWindow.containsKey(topic)) {
            to.recent.add(new Parked(topic, event, s.handler(), world.now()));
        }
        s.handler().accept(event);
    }

    /** The endpoint died: its producer buffer is lost; what it had not committed is delivered again later. */
    public void crashed(Endpoint endpoint) {
        endpoint.alive = false;
        endpoint.outbox.clear();
        Instant now = world.now();
        List<Parked> again = new ArrayList<>();
        for (Parked p : endpoint.recent) {
            Duration window = endpoint.redeliverWindow.get(p.topic());
            if (window != null && !p.deliveredAt().plus(window).isBefore(now)) {
                again.add(p);
            }
        }
        endpoint.recent.clear();
        endpoint.backlog.addAll(0, again);
    }

    /** The endpoint's process runs again and may publish; its backlog waits for {@link #resumed}. */
    public void markAlive(Endpoint endpoint) {
        endpoint.alive = true;
    }

    /** The endpoint runs again (or reaches the broker again): its buffer is sent, its backlog delivered. */
    public void resumed(Endpoint endpoint) {
        endpoint.alive = true;
        if (!endpoint.connected()) {
            return;
        }
        if (brokerUp()) {
            flush(endpoint);
        }
        List<Parked> backlog = List.copyOf(endpoint.backlog);
        endpoint.backlog.clear();
        for (Parked p : backlog) {
            Instant at = deliveryTime(endpoint, p.topic(), p.event().key(), world.now());
            world.at(at, () -> deliver(new Subscription(endpoint, p.handler(), true, null), p.topic(), p.event()));
        }
    }

    private void flush(Endpoint endpoint) {
        List<KvmHaEvent> buffered = List.copyOf(endpoint.outbox);
        endpoint.outbox.clear();
        buffered.forEach(e -> accept(Topic.forEvent(e.getClass()), e));
    }

    /** Forgets what waits for the endpoint on a topic it replays from the start anyway when it (re)starts. */
    public void dropBacklog(Endpoint endpoint, Topic topic) {
        endpoint.backlog.removeIf(p -> p.topic() == topic);
    }

    /** The latest record of every key of a topic, in the order they were last written (a compacted replay). */
    public List<KvmHaEvent> replay(Topic topic) {
        return List.copyOf(latest.getOrDefault(topic, new LinkedHashMap<>()).values());
    }


    // --- faults ---

    public void brokerDown(Duration duration) {
        brokerDownUntil = world.now().plus(duration);
        world.after(duration, () -> {
            for (Endpoint e : endpoints) {
                if (e.connected()) {
                    flush(e);
                }
            }
        });
    }

    public void duplicates(double chance) {
        this.duplicateChance = chance;
    }

    public void jitter(Duration jitter) {
        this.jitter = jitter;
    }

    public void extraDelay(Topic topic, Duration delay) {
        if (delay.isZero()) {
            extraDelay.remove(topic);
        } else {
            extraDelay.put(topic, delay);
        }
    }
}
