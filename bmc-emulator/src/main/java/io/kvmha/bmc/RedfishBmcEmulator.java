package io.kvmha.bmc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Redfish BMC over real HTTP on 127.0.0.1, serving one or more ComputerSystems:
 * {@code GET /redfish/v1}, {@code GET /redfish/v1/Systems}, {@code GET /redfish/v1/Systems/{id}} (with
 * {@code PowerState}) and {@code POST /redfish/v1/Systems/{id}/Actions/ComputerSystem.Reset} with
 * {@code ResetType} On, ForceOff, GracefulShutdown, ForceRestart or PowerCycle. Everything below the
 * service root needs HTTP basic auth. Faults ({@link Fault}) are set per system while it runs; power
 * changes are reported to listeners (a test powers off the host's agent there).
 *
 * <p>Plain JDK: {@code com.sun.net.httpserver}, no Spring. Start with {@link #start}, stop with {@link #close}.
 */
public final class RedfishBmcEmulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedfishBmcEmulator.class);

    static {
        // Without TCP_NODELAY the JDK server's split header/body writes meet delayed ACKs: ~40 ms per request
        // on loopback, which would dominate every fencing measurement. Read once by the JDK; set unless chosen.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final String SYSTEMS = "/redfish/v1/Systems";
    private static final String RESET = "/Actions/ComputerSystem.Reset";
    private static final List<String> RESET_TYPES = List.of("On", "ForceOff", "GracefulShutdown", "ForceRestart", "PowerCycle");
    /** Longest an UNREACHABLE request is held before the connection is dropped. */
    private static final long MAX_HOLD_MILLIS = 60_000;

    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, SimulatedSystem> systems = new ConcurrentHashMap<>();
    private final String expectedAuthorization;
    private final HttpServer server;
    private final ExecutorService requests;
    private final ScheduledExecutorService powerTimer;
    private final ExecutorService notifier;
    private final AtomicInteger requestCount = new AtomicInteger();
    private volatile Duration powerOffDelay = Duration.ZERO;

    private RedfishBmcEmulator(String user, String password, int port) throws IOException {
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        this.requests = Executors.newCachedThreadPool(daemon("bmc-emulator-http"));
        this.powerTimer = Executors.newSingleThreadScheduledExecutor(daemon("bmc-emulator-power"));
        this.notifier = Executors.newSingleThreadExecutor(daemon("bmc-emulator-notify"));
        server.setExecutor(requests);
        server.createContext("/redfish/v1", this::handle);
    }

    /** Starts an emulator on 127.0.0.1 at an ephemeral port with the given credentials and systems (all powered on). */
    public static RedfishBmcEmulator start(String user, String password, String... systemIds) {
        return start(0, user, password, systemIds);
    }

    /** Starts an emulator on 127.0.0.1:{@code port} (0 = ephemeral). */
    public static RedfishBmcEmulator start(int port, String user, String password, String... systemIds) {
        try {
            RedfishBmcEmulator bmc = new RedfishBmcEmulator(user, password, port);
            for (String id : systemIds) {
                bmc.addSystem(id);
            }
            bmc.server.start();
            log.info("Redfish BMC emulator listening on {} with systems {}", bmc.baseUri(), List.of(systemIds));
            return bmc;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the BMC emulator on port " + port, e);
        }
    }

    /** Adds a system, powered on. */
    public RedfishBmcEmulator addSystem(String systemId) {
        systems.putIfAbsent(systemId, new SimulatedSystem(systemId, notifier));
        return this;
    }

    /** {@code http://127.0.0.1:port} */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** {@code http://127.0.0.1:port/redfish/v1/Systems/{id}}: what a fencing driver is configured with. */
    public URI systemUri(String systemId) {
        return URI.create(baseUri() + SYSTEMS + "/" + systemId);
    }

    public PowerState powerState(String systemId) {
        return system(systemId).power();
    }

    /** Sets the power as if someone pressed the button (listeners hear it). */
    public void setPowerState(String systemId, PowerState state) {
        system(systemId).power(state);
    }

    public void setFault(String systemId, Fault fault) {
        system(systemId).fault(fault);
        log.info("BMC emulator system={} fault={}", systemId, fault);
    }

    /** How long a ForceOff or GracefulShutdown reports PoweringOff before Off (default 0: immediately Off). */
    public void setPowerOffDelay(Duration delay) {
        this.powerOffDelay = delay;
    }

    /** Called with (systemId, new state) on every power change, in order, on the emulator's notifier thread. */
    public void onPowerChange(String systemId, BiConsumer<String, PowerState> listener) {
        system(systemId).addListener(listener);
    }

    /** Reset actions accepted for a system. */
    public int resetCount(String systemId) {
        return system(systemId).resets();
    }

    /** HTTP requests received, all systems. */
    public int requestCount() {
        return requestCount.get();
    }

    @Override
    public void close() {
        systems.values().forEach(s -> s.fault(Fault.NONE)); // Release held requests before stopping.
        server.stop(0);
        requests.shutdownNow();
        powerTimer.shutdownNow();
        notifier.shutdown();
    }

    private SimulatedSystem system(String systemId) {
        SimulatedSystem system = systems.get(systemId);
        if (system == null) {
            throw new IllegalArgumentException("no system " + systemId + " on this BMC; known: " + systems.keySet());
        }
        return system;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requestCount.incrementAndGet();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/") && path.length() > 1) {
                path = path.substring(0, path.length() - 1);
            }
            SimulatedSystem target = systemOf(path);
            if (target != null && target.holdWhileUnreachable(MAX_HOLD_MILLIS)) {
                return; // Still unreachable: drop the connection without an answer.
            }
            if (path.equals("/redfish/v1")) {
                send(exchange, 200, Map.of("@odata.id", "/redfish/v1", "Id", "RootService", "RedfishVersion", "1.6.0",
                        "Systems", Map.of("@odata.id", SYSTEMS)));
                return;
            }
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"redfish\"");
                error(exchange, 401, "Base.1.8.NoValidSession", "authentication required");
                return;
            }
            String method = exchange.getRequestMethod();
            if (path.equals(SYSTEMS) && method.equals("GET")) {
                send(exchange, 200, Map.of("@odata.id", SYSTEMS, "Members@odata.count", systems.size(),
                        "Members", systems.keySet().stream().sorted().map(id -> Map.of("@odata.id", SYSTEMS + "/" + id)).toList()));
            } else if (target == null) {
                error(exchange, 404, "Base.1.8.ResourceMissingAtURI", "no resource at " + path);
            } else if (path.endsWith(RESET) && method.equals("POST")) {
                reset(exchange, target);
            } else if (!path.endsWith(RESET) && method.equals("GET")) {
                send(exchange, 200, systemResource(target));
            } else {
                error(exchange, 405, "Base.1.8.OperationNotAllowed", method + " not allowed on " + path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SimulatedSystem systemOf(String path) {
        if (!path.startsWith(SYSTEMS + "/")) {
            return null;
        }
        String rest = path.substring(SYSTEMS.length() + 1);
        int slash = rest.indexOf('/');
        return systems.get(slash < 0 ? rest : rest.substring(0, slash));
    }

    private void reset(HttpExchange exchange, SimulatedSystem system) throws IOException {
        String resetType;
        try (InputStream body = exchange.getRequestBody()) {
            JsonNode node = json.readTree(body.readAllBytes());
            resetType = node == null || node.get("ResetType") == null ? null : node.get("ResetType").asString();
        } catch (RuntimeException e) {
            error(exchange, 400, "Base.1.8.MalformedJSON", "request body is not JSON");
            return;
        }
        if (resetType == null || !RESET_TYPES.contains(resetType)) {
            error(exchange, 400, "Base.1.8.ActionParameterValueNotInList",
                    "ResetType " + resetType + " is not one of " + RESET_TYPES);
            return;
        }
        if (system.fault() == Fault.REFUSE) {
            log.info("BMC emulator system={} refused ResetType={}", system.id, resetType);
            error(exchange, 500, "Base.1.8.ActionNotSupported", "the BMC refused " + resetType + " (fault injected)");
            return;
        }
        system.countReset();
        log.info("BMC emulator system={} ResetType={}", system.id, resetType);
        switch (resetType) {
            case "On" -> system.power(PowerState.On);
            case "ForceOff", "GracefulShutdown" -> powerOff(system);
            default -> { // ForceRestart, PowerCycle: off and on again.
                system.power(PowerState.Off);
                system.power(PowerState.On);
            }
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private void powerOff(SimulatedSystem system) {
        Duration delay = powerOffDelay;
        if (delay.isZero() || delay.isNegative()) {
            system.power(PowerState.Off);
            return;
        }
        system.power(PowerState.PoweringOff);
        powerTimer.schedule(() -> system.power(PowerState.Off), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Map<String, Object> systemResource(SimulatedSystem system) {
        String uri = SYSTEMS + "/" + system.id;
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("@odata.id", uri);
        resource.put("@odata.type", "#ComputerSystem.v1_20_0.ComputerSystem");
        resource.put("Id", system.id);
        resource.put("Name", "Emulated system " + system.id);
        resource.put("PowerState", system.power().name());
        resource.put("Actions", Map.of("#ComputerSystem.Reset", Map.of("target", uri + RESET,
                "ResetType@Redfish.AllowableValues", RESET_TYPES)));
        return resource;
    }

    private void error(HttpExchange exchange, int status, String messageId, String message) throws IOException {
        send(exchange, status, Map.of("error", Map.of("code", messageId, "message", message,
                "@Message.ExtendedInfo", List.of(Map.of("MessageId", messageId, "Message", message)))));
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** {@code java io.kvmha.bmc.RedfishBmcEmulator PORT USER PASSWORD SYSTEM...}: runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 4) {
            System.err.println("usage: RedfishBmcEmulator PORT USER PASSWORD SYSTEM...");
            System.exit(2);
        }
        String[] ids = java.util.Arrays.copyOfRange(args, 3, args.length);
        RedfishBmcEmulator bmc = start(Integer.parseInt(args[0]), args[1], args[2], ids);
        Runtime.getRuntime().addShutdownHook(new Thread(bmc::close));
        Thread.currentThread().join();
    }
}
