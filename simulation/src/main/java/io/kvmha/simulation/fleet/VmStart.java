package io.kvmha.simulation.fleet;

import io.kvmha.contracts.event.Tier;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A VM a simulated host started (DEFINE_AND_START or START succeeded), as the harness saw it.
 *
 * @param issuedAt   when the issuer (scheduler or failover service) issued the command, by its clock
 * @param receivedAt when the host's command consumer got the command
 * @param startedAt  when the domain was running (the executor returned SUCCEEDED)
 */
public record VmStart(String vmId, String hostId, @Nullable Tier tier, @Nullable String incidentId, String issuedBy,
                      Instant issuedAt, Instant receivedAt, Instant startedAt) {
}
