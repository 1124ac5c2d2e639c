package io.kvmha.scheduler.core;

import static io.kvmha.scheduler.core.Fixtures.T0;
import static io.kvmha.scheduler.core.Fixtures.host;
import static io.kvmha.scheduler.core.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests that arrive together are planned in one pass, in one recovery order across all of them. */
class EvacuationBatchTest {

    private final ClusterView view = new ClusterView();
    private final PlacementEngine engine = new PlacementEngine(AllocationRatios.DEFAULT);

    private Placer placer(TierQuotas quotas) {
        return new Placer(view, engine, new EvacuationPlanner(engine, quotas), quotas,
                new FailoverAdmission(0, EnumSet.allOf(Tier.class), engine), () -> T0);
    }

    private VmSpec on(String hostId, String name, long mib, Tier tier, int priority) {
        VmSpec spec = vm(name, 1, mib, tier, HaPolicy.RESTART, priority);
        view.applySpec(spec);
        view.applyPlacement(Fixtures.placement(spec, hostId, 1));
        return spec;
    }

    private void down(String... hostIds) {
        for (String hostId : hostIds) {
            view.applyHealth(Fixtures.health(hostId, HostState.DOWN));
        }
    }

    private static EvacuationAsk request(String id, String incident, String... hosts) {
        return new EvacuationAsk(id, incident, List.of(hosts), List.of(), List.of());
    }

    private static List<String> moved(Placer.Evacuation evacuation) {
        return evacuation.outcome().moves().stream().map(m -> m.spec().name()).toList();
    }

    private static List<String> unplaced(Placer.Evacuation evacuation) {
        return evacuation.outcome().unplaced().stream().map(u -> u.spec().name()).toList();
    }

    /** Two failed hosts: h1 with a high-priority SILVER VM, h2 with a GOLD one; room for one VM only. */
    private void oneSlotForTwoRequests() {
        view.applyInventory(host("h1", 8, 4096));
        view.applyInventory(host("h2", 8, 4096));
        view.applyInventory(host("h9", 8, 1024));
        on("h1", "silver-1", 1024, Tier.SILVER, 9);
        on("h2", "gold-2", 1024, Tier.GOLD, 0);
        down("h1", "h2");
    }

    @Test
    void goldOfTheSecondRequestIsPlacedBeforeSilverOfTheFirst() {
        oneSlotForTwoRequests();

        List<Placer.Evacuation> answers = placer(TierQuotas.NONE).evacuateAll(
                List.of(request("r1", "i1", "h1"), request("r2", "i2", "h2")));

        assertThat(moved(answers.get(1))).containsExactly("gold-2");
        assertThat(answers.get(1).outcome().moves().get(0).targetHostId()).isEqualTo("h9");
        assertThat(moved(answers.get(0))).isEmpty();
        assertThat(unplaced(answers.get(0))).containsExactly("silver-1");
        assertThat(answers).noneMatch(Placer.Evacuation::repeated);
    }

    @Test
    void oneByOneTheFirstRequestTakesTheSlot() {
        // What the batch avoids: answered one at a time, the SILVER VM of the first request wins the capacity.
        oneSlotForTwoRequests();
        Placer placer = placer(TierQuotas.NONE);

        assertThat(moved(placer.evacuateAll(List.of(request("r1", "i1", "h1"))).get(0))).containsExactly("silver-1");
        assertThat(unplaced(placer.evacuateAll(List.of(request("r2", "i2", "h2"))).get(0))).containsExactly("gold-2");
    }

    @Test
    void noVmLandsOnAnyFailedHostOfTheBatchAndEachMoveKeepsItsRequestsIncidentAndReason() {
        // The failed hosts are still ONLINE in the ledger (their health change not applied yet) and the emptiest:
        // only the union of the batch's failed hosts keeps each request's VMs off the other requests' hosts.
        for (String h : List.of("h1", "h2", "h3")) {
            view.applyInventory(host(h, 16, 32 * 1024));
        }
        view.applyInventory(host("h9", 16, 8 * 1024));
        view.applyInventory(host("h8", 16, 8 * 1024));
        on("h1", "a", 1024, Tier.GOLD, 0);
        on("h2", "b", 1024, Tier.SILVER, 0);
        on("h3", "c", 1024, Tier.BRONZE, 0);

        List<Placer.Evacuation> answers = placer(TierQuotas.NONE).evacuateAll(
                List.of(request("r1", "inc-a", "h1"), request("r2", "inc-b", "h3", "h2")));

        assertThat(moved(answers.get(0))).containsExactly("a");
        assertThat(moved(answers.get(1))).containsExactly("b", "c");
        assertThat(answers.get(0).outcome().moves()).allSatisfy(m -> {
            assertThat(m.targetHostId()).isIn("h8", "h9");
            assertThat(m.fromHostId()).isEqualTo("h1");
            assertThat(m.placement().incidentId()).isEqualTo("inc-a");
            assertThat(m.placement().reason()).isEqualTo("evacuation of h1");
            assertThat(m.placement().generation()).isEqualTo(2);
        });
        assertThat(answers.get(1).outcome().moves()).allSatisfy(m -> {
            assertThat(m.targetHostId()).isIn("h8", "h9");
            assertThat(m.placement().incidentId()).isEqualTo("inc-b");
            assertThat(m.placement().reason()).isEqualTo("evacuation of h2,h3");
        });
    }

    @Test
    void aRequestSeenBeforeGetsTheSamePlanInALaterBatchOrTheSameOne() {
        oneSlotForTwoRequests();
        Placer placer = placer(TierQuotas.NONE);
        List<Placer.Evacuation> first = placer.evacuateAll(List.of(request("r1", "i1", "h1"),
                request("r2", "i2", "h2"), request("r1", "i1", "h1")));

        assertThat(first.get(2).repeated()).isTrue();
        assertThat(first.get(2).outcome()).isEqualTo(first.get(0).outcome());

        List<Placer.Evacuation> again = placer.evacuateAll(List.of(request("r2", "i2", "h2"),
                request("r1", "i1", "h1")));
        assertThat(again).allMatch(Placer.Evacuation::repeated);
        assertThat(again.get(0).outcome()).isEqualTo(first.get(1).outcome());
        assertThat(again.get(1).outcome()).isEqualTo(first.get(0).outcome());
    }

    @Test
    void aSecondRequestOfTheSameIncidentAndHostsListsTheMovesOfTheFirst() {
        // Redelivered under a new request id: answered as one by one would, after the first, nothing placed twice.
        view.applyInventory(host("h1", 8, 4096));
        view.applyInventory(host("h9", 8, 4096));
        on("h1", "a", 1024, Tier.GOLD, 0);
        down("h1");

        List<Placer.Evacuation> answers = placer(TierQuotas.NONE).evacuateAll(
                List.of(request("r1", "i1", "h1"), request("r1-again", "i1", "h1")));

        assertThat(answers.get(1).repeated()).isFalse();
        assertThat(answers.get(1).outcome().moves()).singleElement().satisfies(m -> {
            assertThat(m.placement()).isEqualTo(answers.get(0).outcome().moves().get(0).placement());
            assertThat(m.decisionReason()).isEqualTo("already placed for this incident");
        });
    }

    @Test
    void tierQuotasHoldAcrossTheBatch() {
        // Survivors: 8 GiB; SILVER may use 25 % = 2 GiB. Three SILVER VMs of 1 GiB in two requests: two fit,
        // taken in recovery order (priority 5 of the second request first).
        view.applyInventory(host("h1", 8, 4096));
        view.applyInventory(host("h2", 8, 4096));
        view.applyInventory(host("h9", 16, 8192));
        on("h1", "s1a", 1024, Tier.SILVER, 1);
        on("h1", "s1b", 1024, Tier.SILVER, 1);
        on("h2", "s2", 1024, Tier.SILVER, 5);
        down("h1", "h2");

        List<Placer.Evacuation> answers = placer(new TierQuotas(1, 0.25, 1)).evacuateAll(
                List.of(request("r1", "i1", "h1"), request("r2", "i2", "h2")));

        assertThat(moved(answers.get(1))).containsExactly("s2");
        assertThat(moved(answers.get(0))).containsExactly("s1a");
        assertThat(answers.get(0).outcome().unplaced()).singleElement().satisfies(u -> {
            assertThat(u.spec().name()).isEqualTo("s1b");
            assertThat(u.reason()).startsWith("tier SILVER quota: 25% of 8192 MiB");
        });
    }

    @Test
    void aReplacementRequestIsPlannedInItsPlaceInTheBatch() {
        view.applyInventory(host("h1", 8, 4096));
        view.applyInventory(host("h8", 8, 4096));
        view.applyInventory(host("h9", 8, 4096));
        VmSpec a = on("h1", "a", 1024, Tier.GOLD, 0);
        down("h1");
        Placer placer = placer(TierQuotas.NONE);
        String firstTarget = placer.evacuateAll(List.of(request("r1", "i1", "h1"))).get(0).outcome().moves().get(0)
                .targetHostId();
        String other = firstTarget.equals("h8") ? "h9" : "h8";

        // The start on the first target failed: a retry excluding it, then a new failure of the other host.
        List<Placer.Evacuation> answers = placer.evacuateAll(List.of(
                new EvacuationAsk("r2", "i1", List.of("h1"), List.of(a.vmId()), List.of(firstTarget)),
                request("r3", "i3", other)));

        assertThat(answers.get(0).outcome().moves()).singleElement().satisfies(m -> {
            assertThat(m.targetHostId()).isEqualTo(other);
            assertThat(m.placement().generation()).isEqualTo(3);
        });
        assertThat(answers.get(1).outcome().moves()).singleElement().satisfies(m -> {
            assertThat(m.spec().name()).isEqualTo("a");
            assertThat(m.fromHostId()).isEqualTo(other);
            assertThat(m.targetHostId()).isEqualTo(firstTarget);
            assertThat(m.placement().generation()).isEqualTo(4);
        });
    }
}
