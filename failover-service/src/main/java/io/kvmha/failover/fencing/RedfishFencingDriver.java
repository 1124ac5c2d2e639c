package io.kvmha.failover.fencing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Fences through a Redfish BMC: reads the system's {@code PowerState} (already Off counts as fenced),
 * posts {@code ComputerSystem.Reset} with {@code ForceOff}, then polls {@code PowerState} until Off.
 * Basic auth with credentials read from files; they appear in no log, message or evidence.
 */
public final class RedfishFencingDriver implements FencingDriver {

    private static final Pattern POWER_STATE = Pattern.compile("\"PowerState\"\\s*:\\s*\"([A-Za-z]+)\"");

    private final URI systemUri;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration powerOffTimeout;
    private final Duration pollInterval;

    /**
     * @param systemUri       the ComputerSystem resource, e.g. {@code https://bmc-h1/redfish/v1/Systems/1}
     * @param verifyTls       false trusts any certificate (lab BMCs with self-signed ones); the JDK client still
     *                        checks the host name, so use the name the certificate carries
     * @param powerOffTimeout how long the PowerState may take to read Off after ForceOff was accepted
     */
    public RedfishFencingDriver(URI systemUri, Secret username, Secret password, boolean verifyTls,
                                Duration requestTimeout, Duration powerOffTimeout, Duration pollInterval) {
        this.systemUri = systemUri;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (username.reveal() + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = requestTimeout;
        this.powerOffTimeout = powerOffTimeout;
        this.pollInterval = pollInterval;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (!verifyTls) {
            builder.sslContext(trustAll());
        }
        this.http = builder.build();
    }

    @Override
    public String name() {
        return "redfish";
    }

    @Override
    public DriverResult fence(String hostId) throws InterruptedException {
        try {
            HttpResponse<String> system = send(HttpRequest.newBuilder(systemUri).GET());
            if (system.statusCode() != 200) {
                return DriverResult.refused("GET " + systemUri + " answered HTTP " + system.statusCode() + brief(system));
            }
            String before = powerState(system.body());
            if ("Off".equals(before)) {
                return DriverResult.off("PowerState already Off at " + systemUri);
            }
            URI reset = URI.create(systemUri + "/Actions/ComputerSystem.Reset");
            HttpResponse<String> action = send(HttpRequest.newBuilder(reset).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ResetType\":\"ForceOff\"}")));
            if (action.statusCode() / 100 != 2) {
                return DriverResult.refused("ForceOff refused with HTTP " + action.statusCode() + brief(action)
                        + " (PowerState " + before + ")");
            }
            long deadline = System.nanoTime() + powerOffTimeout.toNanos();
            String state = before;
            while (true) {
                HttpResponse<String> poll = send(HttpRequest.newBuilder(systemUri).GET());
                state = poll.statusCode() == 200 ? powerState(poll.body()) : "HTTP " + poll.statusCode();
                if ("Off".equals(state)) {
                    return DriverResult.off("ForceOff accepted (HTTP " + action.statusCode() + "), PowerState Off at " + systemUri);
                }
                if (System.nanoTime() > deadline) {
                    return DriverResult.refused("ForceOff accepted but PowerState still " + state + " after "
                            + powerOffTimeout.toMillis() + " ms");
                }
                Thread.sleep(pollInterval.toMillis());
            }
        } catch (IOException e) {
            return DriverResult.unreachable(systemUri.getHost() + ":" + systemUri.getPort() + " unreachable: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    @Override
    public String probe(String hostId) throws InterruptedException {
        try {
            HttpResponse<String> system = send(HttpRequest.newBuilder(systemUri).GET());
            return system.statusCode() == 200 ? "reachable, PowerState " + powerState(system.body())
                    : "answered HTTP " + system.statusCode() + brief(system);
        } catch (IOException e) {
            return "UNREACHABLE: " + e.getClass().getSimpleName();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(requestTimeout).header("Authorization", authorization)
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    static String powerState(String body) {
        Matcher m = POWER_STATE.matcher(body == null ? "" : body);
        return m.find() ? m.group(1) : "unknown";
    }

    private static String brief(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body().replaceAll("\\s+", " ");
        Matcher m = Pattern.compile("\"message\"\\s*:\\s*\"([^\"]{0,200})\"").matcher(body);
        return m.find() ? ": " + m.group(1) : "";
    }

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    @Override
    public String toString() {
        return "redfish " + systemUri;
    }
}
