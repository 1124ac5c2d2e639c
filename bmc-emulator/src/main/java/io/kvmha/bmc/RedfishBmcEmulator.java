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
    private static final String CONTROL = "/emulator/systems";
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
    private volatile PowerSwitch powerSwitch;

    private RedfishBmcEmulator(InetAddress bind, String user, String password, int port) throws IOException {
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        this.requests = Executors.newCachedThreadPool(daemon("bmc-emulator-http"));
        this.powerTimer = Executors.newSingleThreadScheduledExecutor(daemon("bmc-emulator-power"));
        this.notifier = Executors.newSingleThreadExecutor(daemon("bmc-emulator-notify"));
        server.setExecutor(requests);
        server.createContext("/redfish/v1", this::handle);
        server.createContext(CONTROL, this::control);
    }

    /** Starts an emulator on 127.0.0.1 at an ephemeral port with the given credentials and systems (all powered on). */
    public static RedfishBmcEmulator start(String user, String password, String... systemIds) {
        return start(0, user, password, systemIds);
    }

    /** Starts an emulator on 127.0.0.1:{@code port} (0 = ephemeral). */
    public static RedfishBmcEmulator start(int port, String user, String password, String... systemIds) {
        return start(InetAddress.getLoopbackAddress(), port, user, password, systemIds);
    }

    /**
     * Starts an emulator on {@code bind:port}: loopback, or a testbed address inside a network namespace the
     * caller made (never an address other machines can reach).
     */
    public static RedfishBmcEmulator start(InetAddress bind, int port, String user, String password, String... systemIds) {
        try {
            RedfishBmcEmulator bmc = new RedfishBmcEmulator(bind, user, password, port);
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

    /** {@code http://ADDRESS:port} */
    public URI baseUri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
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

    /**
     * What really cuts and restores power (see {@link PowerSwitch}); without one, power changes are only states.
     */
    public void usePowerSwitch(PowerSwitch powerSwitch) {
        this.powerSwitch = powerSwitch;
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
        PowerSwitch actuator = powerSwitch;
        if (actuator != null) {
            switchPower(system, actuator, resetType);
        } else {
            switch (resetType) {
                case "On" -> system.power(PowerState.On);
                case "ForceOff", "GracefulShutdown" -> powerOff(system);
                default -> { // ForceRestart, PowerCycle: off and on again.
                    system.power(PowerState.Off);
                    system.power(PowerState.On);
                }
            }
        }
        exchange.sendResponseHeaders(204, -1);
    }

    /**
     * With a real switch the transition state is reported until the switch is done; a failed switch restores the
     * previous state, so a client polling for {@code Off} never sees it unless the power really is off.
     */
    private void switchPower(SimulatedSystem system, PowerSwitch actuator, String resetType) {
        PowerState before = system.power();
        boolean off = !resetType.equals("On");
        boolean on = !resetType.equals("ForceOff") && !resetType.equals("GracefulShutdown");
        if (off && before != PowerState.Off) {
            system.power(PowerState.PoweringOff);
        } else if (!off) {
            system.power(PowerState.PoweringOn);
        }
        powerTimer.execute(() -> {
            try {
                if (off && before != PowerState.Off) {
                    actuator.powerOff(system.id);
                    system.power(PowerState.Off);
                }
                if (on) {
                    system.power(PowerState.PoweringOn);
                    actuator.powerOn(system.id);
                    system.power(PowerState.On);
                }
            } catch (Exception e) {
                log.error("BMC emulator system={} ResetType={} failed: {}", system.id, resetType, e.getMessage());
                system.power(before);
            }
        });
    }

    /**
     * The emulator's own control resource (not Redfish): {@code GET /emulator/systems/ID} shows power, fault and
     * resets; {@code POST} with {@code {"PowerState": "On"|"Off"}} records a power change that already happened
     * (a host that lost power: no switch is called) and/or {@code {"Fault": "NONE"|"REFUSE"|"UNREACHABLE"}}.
     * Same basic authentication as Redfish.
     */
    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                error(exchange, 401, "Base.1.8.NoValidSession", "authentication required");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String id = path.startsWith(CONTROL + "/") ? path.substring(CONTROL.length() + 1) : "";
            SimulatedSystem system = systems.get(id);
            if (system == null) {
                error(exchange, 404, "Base.1.8.ResourceMissingAtURI", "no system '" + id + "'; known: " + systems.keySet());
                return;
            }
            if (exchange.getRequestMethod().equals("POST")) {
                JsonNode node;
                try (InputStream body = exchange.getRequestBody()) {
                    node = json.readTree(body.readAllBytes());
                } catch (RuntimeException e) {
                    error(exchange, 400, "Base.1.8.MalformedJSON", "request body is not JSON");
                    return;
                }
                try {
                    PowerState power = node.has("PowerState") ? PowerState.valueOf(node.get("PowerState").asString()) : null;
                    Fault fault = node.has("Fault") ? Fault.valueOf(node.get("Fault").asString()) : null;
                    if (power != null) {
                        system.power(power);
                    }
                    if (fault != null) {
                        system.fault(fault);
                    }
                    log.info("BMC emulator system={} control: power={} fault={}", id, system.power(), system.fault());
                } catch (IllegalArgumentException e) {
                    error(exchange, 400, "Base.1.8.PropertyValueNotInList", e.getMessage());
                    return;
                }
            } else if (!exchange.getRequestMethod().equals("GET")) {
                error(exchange, 405, "Base.1.8.OperationNotAllowed", exchange.getRequestMethod() + " not allowed");
                return;
            }
            send(exchange, 200, Map.of("Id", id, "PowerState", system.power().name(), "Fault", system.fault().name(),
                    "Resets", system.resets()));
        }
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

    /**
     * Runs until killed: {@code RedfishBmcEmulator [--bind ADDRESS] --port PORT --user USER --password-file FILE
     * [--power-command "CMD ARGS"] SYSTEM...}. With a power command, {@code CMD ARGS off|on SYSTEM} really cuts or
     * restores the system's power before the BMC reports the new state.
     */
    public static void main(String[] args) throws Exception {
        String bind = "127.0.0.1";
        Integer port = null;
        String user = null;
        String passwordFile = null;
        String powerCommand = null;
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (arg) {
                case "--bind" -> bind = hasValue ? args[++i] : usage("--bind needs an address");
                case "--port" -> port = Integer.valueOf(hasValue ? args[++i] : usage("--port needs a number"));
                case "--user" -> user = hasValue ? args[++i] : usage("--user needs a name");
                case "--password-file" -> passwordFile = hasValue ? args[++i] : usage("--password-file needs a path");
                case "--power-command" -> powerCommand = hasValue ? args[++i] : usage("--power-command needs a command");
                default -> {
                    if (arg.startsWith("--")) {
                        usage("unknown option " + arg);
                    }
                    ids.add(arg);
                }
            }
        }
        if (port == null || user == null || passwordFile == null || ids.isEmpty()) {
            usage("--port, --user, --password-file and at least one SYSTEM are required");
        }
        String password = java.nio.file.Files.readString(java.nio.file.Path.of(passwordFile)).strip();
        RedfishBmcEmulator bmc = start(InetAddress.getByName(bind), port, user, password, ids.toArray(String[]::new));
        if (powerCommand != null) {
            bmc.usePowerSwitch(new CommandPowerSwitch(List.of(powerCommand.trim().split("\\s+")), Duration.ofSeconds(60)));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(bmc::close));
        Thread.currentThread().join();
    }

    private static String usage(String problem) {
        System.err.println("RedfishBmcEmulator: " + problem);
        System.err.println("usage: RedfishBmcEmulator [--bind ADDRESS] --port PORT --user USER --password-file FILE "
                + "[--power-command \"CMD ARGS\"] SYSTEM...");
        System.exit(2);
        return null;
    }
}
