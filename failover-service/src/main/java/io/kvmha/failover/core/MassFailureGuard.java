package io.kvmha.failover.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Refuses to declare hosts down when too many fall silent together: more than
 * {@link MassFailurePolicy#maxSilentShare()} of the judged hosts (and at least
 * {@link MassFailurePolicy#minSilentHosts()}) newly silent, or every judged host (two or more) silent at
 * once. Then this instance, or its network, is the likelier casualty, and fencing healthy hosts would
 * turn a partition into an outage. Silent hosts are held (no DOWN, no fencing) until they are heard again
 * or an operator releases them one by one. The episode ends, and releases are forgotten, when every host of the
 * episode has been heard again, or when the condition has not held for {@link MassFailurePolicy#quietPeriod()}.
 * Not thread-safe.
 */
final class MassFailureGuard {

    private final MassFailurePolicy policy;
    private final Set<String> released = new TreeSet<>();
    private Instant engagedSince;
    /** While engaged: since when the condition no longer holds (the quiet period runs from then). */
    private Instant quietSince;
    /** Every host silent at some point of the current episode. */
    private final Set<String> episode = new TreeSet<>();
    private Set<String> silentAtEngage = Set.of();

    MassFailureGuard(MassFailurePolicy policy) {
        this.policy = policy;
    }

    /** Judges the verdicts of the hosts not in maintenance; returns which hosts to hold and what changed. */
    Check check(List<Verdict> verdicts, Instant now) {
        List<Verdict> silent = verdicts.stream().filter(v -> v.liveness() != Liveness.ALIVE).toList();
        // Once engaged, every silent host counts: a partition outlasting the window is still one episode.
        long counted = engagedSince != null ? silent.size()
                : silent.stream().filter(v -> v.silence().compareTo(policy.window()) < 0).count();
        boolean allSilent = verdicts.size() >= 2 && silent.size() == verdicts.size();
        boolean massive = policy.massive(counted, verdicts.size());
        boolean engage = allSilent || massive;
        if (engage) {
            quietSince = null;
        }
        if (engage || engagedSince != null) {
            silent.forEach(v -> episode.add(v.hostId()));
        }
        if (engage && engagedSince == null) {
            engagedSince = now;
            silentAtEngage = silent.stream().map(Verdict::hostId).collect(Collectors.toCollection(TreeSet::new));
            String hosts = silent.stream().map(v -> "host=" + v.hostId() + " silent "
                    + HeartbeatFailureDetector.seconds(v.silence())).collect(Collectors.joining(", "));
            String why = allSilent ? "all " + verdicts.size() + " judged hosts are silent at once; this instance is likely cut off"
                    : counted + " of " + verdicts.size() + " hosts went silent within " + policy.window().toSeconds()
                    + " s (more than " + Math.round(policy.maxSilentShare() * 100) + "%)";
            return new Check(held(silent), Change.ENGAGED, Optional.of(OperatorNote.warn("mass-failure guard engaged: " + why
                    + " (" + hosts + "); fencing nothing, release hosts one by one through the API")), why);
        }
        if (!engage && engagedSince != null) {
            // Hosts of a healing partition come back over seconds: the last ones must not be fenced for being last.
            // Once every host of the episode was heard again, it is over at once: a new silence is a new failure.
            if (quietSince == null) {
                quietSince = now;
            }
            long stillSilent = silent.stream().filter(v -> episode.contains(v.hostId())).count();
            if (stillSilent > 0 && now.isBefore(quietSince.plus(policy.quietPeriod()))) {
                return new Check(held(silent), Change.NONE, Optional.empty(), null);
            }
            engagedSince = null;
            quietSince = null;
            silentAtEngage = Set.of();
            episode.clear();
            released.clear();
            String why = stillSilent == 0 ? "every host of the episode heard again"
                    : "hosts heard again; " + stillSilent + " still silent after a quiet period of "
                    + policy.quietPeriod().toSeconds() + " s";
            return new Check(Set.of(), Change.ENDED, Optional.of(OperatorNote.info(
                    "mass-failure guard disengaged: " + why + ", detection resumes")), why);
        }
        return new Check(engagedSince != null ? held(silent) : Set.of(), Change.NONE, Optional.empty(), null);
    }

    private Set<String> held(List<Verdict> silent) {
        return silent.stream().map(Verdict::hostId).filter(h -> !released.contains(h))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Whether counting the late hosts (silent for {@link MassFailurePolicy#lateAfter()}, not yet suspect) with the
     * silent ones would engage the guard: then a host judged dead waits to see whether they fail with it.
     */
    boolean wouldEngageCountingLate(List<Verdict> verdicts) {
        long silentOrLate = verdicts.stream().filter(v -> v.liveness() != Liveness.ALIVE
                || v.silence().compareTo(policy.lateAfter()) >= 0).count();
        return (verdicts.size() >= 2 && silentOrLate == verdicts.size()) || policy.massive(silentOrLate, verdicts.size());
    }

    /** An operator vouches that a held host is really dead: it may be declared down and fenced. */
    boolean release(String hostId) {
        if (engagedSince == null) {
            return false;
        }
        return released.add(hostId);
    }

    boolean engaged() {
        return engagedSince != null;
    }

    Optional<Instant> engagedSince() {
        return Optional.ofNullable(engagedSince);
    }

    Set<String> released() {
        return Set.copyOf(released);
    }

    Set<String> silentAtEngage() {
        return silentAtEngage;
    }

    enum Change { NONE, ENGAGED, ENDED }

    /** @param why for ENGAGED and ENDED, the reason in a few words (for the alert) */
    record Check(Set<String> held, Change change, Optional<OperatorNote> note, String why) {
    }
}
