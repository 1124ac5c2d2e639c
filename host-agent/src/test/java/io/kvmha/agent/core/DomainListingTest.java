package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.DomainState;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainListingTest {

    final DomainListing listing = new DomainListing();
    final List<HypervisorDomain> one = List.of(new HypervisorDomain("a", "web-1", DomainState.RUNNING));

    @Test
    void completeOnlyAfterAListingWhileConnectedAndUntilADisconnectionIsSeen() {
        assertThat(listing.latest().complete()).as("nothing listed yet (agent start)").isFalse();
        assertThat(listing.latest().domains()).isEmpty();

        listing.listed(one, true);
        assertThat(listing.latest()).isEqualTo(new DomainListing.Snapshot(one, true));

        listing.disconnected();
        assertThat(listing.latest().complete()).isFalse();
        assertThat(listing.latest().domains()).as("the last list is kept").isEqualTo(one);

        listing.listed(List.of(), false);
        assertThat(listing.latest().complete()).as("the connection dropped during the listing").isFalse();
        listing.listed(List.of(), true);
        assertThat(listing.latest().complete()).isTrue();
    }
}
