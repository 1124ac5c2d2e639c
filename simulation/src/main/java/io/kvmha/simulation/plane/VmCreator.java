package io.kvmha.simulation.plane;

import io.kvmha.contracts.event.Tier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates VMs the way a user does: {@code POST /api/v1/vms} on the scheduler, over loopback HTTP. The tier mix
 * is fixed by the VM's number: 1 in 5 GOLD, 2 in 5 SILVER, 2 in 5 BRONZE, all with HA policy RESTART.
 */
public final class VmCreator {

    /** The answer to one create: the VM id (null unless 201) and when the request was sent. */
    public record Created(String name, Tier tier, int status, String vmId, Instant sentAt, Instant answeredAt,
                          String problem) {
        public boolean accepted() {
            return status == 201 && vmId != null;
        }
    }

    private static final Pattern VM_ID = Pattern.compile("\"vmId\"\\s*:\\s*\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "vm-creator");
                t.setDaemon(true);
                return t;
            })).build();
    private final URI vms;
    private final long memoryMib;

    public VmCreator(String schedulerBaseUrl, long memoryMib) {
        this.vms = URI.create(schedulerBaseUrl + "/api/v1/vms");
        this.memoryMib = memoryMib;
    }

    public static Tier tierOf(int number) {
        return switch (number % 5) {
            case 0 -> Tier.GOLD;
            case 1, 2 -> Tier.SILVER;
            default -> Tier.BRONZE;
        };
    }

    public CompletableFuture<Created> create(String name, int number) {
        Tier tier = tierOf(number);
        String body = """
                {"name":"%s","vcpus":1,"memoryMib":%d,"tier":"%s","haPolicy":"RESTART","priority":%d}"""
                .formatted(name, memoryMib, tier, number % 10);
        HttpRequest request = HttpRequest.newBuilder(vms).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Instant sentAt = Instant.now();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    Instant answeredAt = Instant.now();
                    if (failure != null) {
                        return new Created(name, tier, -1, null, sentAt, answeredAt, failure.toString());
                    }
                    Matcher id = VM_ID.matcher(response.body());
                    boolean found = id.find();
                    return new Created(name, tier, response.statusCode(), found ? id.group(1) : null, sentAt, answeredAt,
                            response.statusCode() == 201 ? null : response.body());
                });
    }
}
