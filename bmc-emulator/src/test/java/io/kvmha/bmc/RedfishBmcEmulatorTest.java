package io.kvmha.bmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedfishBmcEmulatorTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private RedfishBmcEmulator bmc;

    @BeforeEach
    void start() {
        bmc = RedfishBmcEmulator.start("admin", "s3cret", "h1", "h2");
    }

    @AfterEach
    void stop() {
        bmc.close();
    }

    @Test
    void serviceRootNeedsNoAuthButSystemsDo() throws Exception {
        assertThat(send(get(bmc.baseUri().resolve("/redfish/v1"), null)).statusCode()).isEqualTo(200);
        assertThat(send(get(bmc.systemUri("h1"), null)).statusCode()).isEqualTo(401);
        assertThat(send(get(bmc.systemUri("h1"), "admin:wrong")).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = send(get(bmc.systemUri("h1"), "admin:s3cret"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"PowerState\":\"On\"").contains("ComputerSystem.Reset");
        assertThat(send(get(bmc.baseUri().resolve("/redfish/v1/Systems"), "admin:s3cret")).body())
                .contains("/redfish/v1/Systems/h1").contains("/redfish/v1/Systems/h2");
        assertThat(send(get(bmc.systemUri("nope"), "admin:s3cret")).statusCode()).isEqualTo(404);
    }

    @Test
    void forceOffPowersOffAndTellsListeners() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        bmc.onPowerChange("h1", (id, state) -> heard.add(id + "=" + state));

        HttpResponse<String> reset = send(reset("h1", "ForceOff"));

        assertThat(reset.statusCode()).isEqualTo(204);
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.Off);
        assertThat(bmc.powerState("h2")).isEqualTo(PowerState.On);
        long until = System.currentTimeMillis() + 5000;
        while (heard.isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(5);
        }
        assertThat(heard).containsExactly("h1=Off");
        assertThat(send(get(bmc.systemUri("h1"), "admin:s3cret")).body()).contains("\"PowerState\":\"Off\"");
        assertThat(send(reset("h1", "On")).statusCode()).isEqualTo(204);
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.On);
        assertThat(bmc.resetCount("h1")).isEqualTo(2);
    }

    @Test
    void powerOffDelayReportsPoweringOffFirst() throws Exception {
        bmc.setPowerOffDelay(Duration.ofMillis(200));
        send(reset("h1", "ForceOff"));
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.PoweringOff);
        long until = System.currentTimeMillis() + 5000;
        while (bmc.powerState("h1") != PowerState.Off && System.currentTimeMillis() < until) {
            Thread.onSpinWait();
        }
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.Off);
    }

    @Test
    void badResetTypeIsRejected() throws Exception {
        assertThat(send(reset("h1", "Explode")).statusCode()).isEqualTo(400);
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.On);
    }

    @Test
    void refuseFaultAnswersButKeepsThePowerOn() throws Exception {
        bmc.setFault("h1", Fault.REFUSE);
        HttpResponse<String> refused = send(reset("h1", "ForceOff"));
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).contains("refused");
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.On);
        assertThat(bmc.resetCount("h1")).isZero();
    }

    @Test
    void unreachableFaultTimesClientsOutUntilCleared() throws Exception {
        bmc.setFault("h1", Fault.UNREACHABLE);
        HttpRequest request = HttpRequest.newBuilder(bmc.systemUri("h1")).timeout(Duration.ofMillis(300))
                .header("Authorization", basic("admin:s3cret")).GET().build();
        assertThatThrownBy(() -> send(request)).isInstanceOf(HttpTimeoutException.class);
        assertThat(send(get(bmc.systemUri("h2"), "admin:s3cret")).statusCode()).isEqualTo(200);

        bmc.setFault("h1", Fault.NONE);
        assertThat(send(get(bmc.systemUri("h1"), "admin:s3cret")).statusCode()).isEqualTo(200);
    }

    @Test
    void withAPowerSwitchOffIsReportedOnlyAfterTheSwitchIsDone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path journal = dir.resolve("journal");
        // A real command: records "off h1" after a pause, as a testbed kill of a host would take a moment.
        bmc.usePowerSwitch(new CommandPowerSwitch(List.of("sh", "-c", "sleep 0.3; echo \"$0 $1\" >> " + journal),
                Duration.ofSeconds(10)));

        assertThat(send(reset("h1", "ForceOff")).statusCode()).isEqualTo(204);
        assertThat(bmc.powerState("h1")).isEqualTo(PowerState.PoweringOff);
        awaitPower("h1", PowerState.Off);
        assertThat(java.nio.file.Files.readString(journal)).isEqualTo("off h1\n");

        assertThat(send(reset("h1", "On")).statusCode()).isEqualTo(204);
        awaitPower("h1", PowerState.On);
        assertThat(java.nio.file.Files.readString(journal)).isEqualTo("off h1\non h1\n");
    }

    @Test
    void aFailingSwitchLeavesThePowerOn() throws Exception {
        bmc.usePowerSwitch(new CommandPowerSwitch(List.of("sh", "-c", "echo cannot reach the PDU; exit 3"),
                Duration.ofSeconds(10)));

        assertThat(send(reset("h1", "ForceOff")).statusCode()).isEqualTo(204);

        awaitPower("h1", PowerState.On);
    }

    @Test
    void theControlResourceRecordsPowerLossAndSwitchesFaults() throws Exception {
        URI control = bmc.baseUri().resolve("/emulator/systems/h2");
        assertThat(send(post(control, "{\"PowerState\":\"Off\",\"Fault\":\"REFUSE\"}", "admin:wrong")).statusCode())
                .isEqualTo(401);

        HttpResponse<String> changed = send(post(control, "{\"PowerState\":\"Off\",\"Fault\":\"REFUSE\"}", "admin:s3cret"));

        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).contains("\"PowerState\":\"Off\"").contains("\"Fault\":\"REFUSE\"");
        assertThat(bmc.powerState("h2")).isEqualTo(PowerState.Off);
        assertThat(send(reset("h2", "On")).statusCode()).isEqualTo(500);
        assertThat(send(post(control, "{\"Fault\":\"SOMETIMES\"}", "admin:s3cret")).statusCode()).isEqualTo(400);
        assertThat(send(post(bmc.baseUri().resolve("/emulator/systems/h9"), "{}", "admin:s3cret")).statusCode())
                .isEqualTo(404);
    }

    private void awaitPower(String system, PowerState expected) throws InterruptedException {
        long until = System.currentTimeMillis() + 5000;
        while (bmc.powerState(system) != expected && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertThat(bmc.powerState(system)).isEqualTo(expected);
    }

    private static HttpRequest post(URI uri, String body, String credentials) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Authorization", basic(credentials))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest reset(String system, String type) {
        return HttpRequest.newBuilder(URI.create(bmc.systemUri(system) + "/Actions/ComputerSystem.Reset"))
                .timeout(Duration.ofSeconds(5)).header("Authorization", basic("admin:s3cret"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"ResetType\":\"" + type + "\"}")).build();
    }

    private static HttpRequest get(URI uri, String credentials) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        if (credentials != null) {
            b.header("Authorization", basic(credentials));
        }
        return b.build();
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
