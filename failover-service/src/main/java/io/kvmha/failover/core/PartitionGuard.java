package io.kvmha.failover.core;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Skeleton partition sanity: when every host this instance judges (two or more) is silent at once, the
 * likelier story is that this instance (or its Kafka consumer) is cut off, not that the whole cluster
 * died. Then nothing is acted on. One WARN per episode; the episode ends when any host is heard again.
 * The mass-failure guard (a ratio of the cluster, quorum) will replace this rule.
 */
final class PartitionGuard {

    private boolean episode;

    /** Whether to hold all decisions, and the operator note to write if this starts or ends an episode. */
    Check check(List<Verdict> verdicts) {
        boolean allSilent = verdicts.size() >= 2 && verdicts.stream().allMatch(v -> v.liveness() != Liveness.ALIVE);
        if (allSilent && !episode) {
            episode = true;
            String hosts = verdicts.stream().map(v -> "host=" + v.hostId() + " silent "
                    + HeartbeatFailureDetector.seconds(v.silence())).collect(Collectors.joining(", "));
            return new Check(true, Optional.of(OperatorNote.warn("partition suspected: all " + verdicts.size()
                    + " known hosts are silent at once (" + hosts + "); this instance is likely cut off, acting on nothing")));
        }
        if (allSilent) {
            return new Check(true, Optional.empty());
        }
        if (episode) {
            episode = false;
            return new Check(false, Optional.of(OperatorNote.info("partition episode over: hosts heard again, detection resumes")));
        }
        return new Check(false, Optional.empty());
    }

    boolean inEpisode() {
        return episode;
    }

    record Check(boolean hold, Optional<OperatorNote> note) {
    }
}
