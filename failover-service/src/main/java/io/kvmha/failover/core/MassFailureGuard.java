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
 * or an operator releases them one by one. The episode ends, and releases are forgotten, when the
 * condition no longer holds. Not thread-safe.
 */
final class MassFailureGuard {

    private final MassFailurePolicy policy;
    private final Set<String> released = new TreeSet<>();
    private Instant engagedSince;
    private Set<String> silentAtEngage = Set.of();

    MassFailureGuard(MassFailurePolicy policy) {
        this.policy = policy;
    }

    /** Judges the verdicts of the hosts not in maintenance; returns which hosts to hold and what changed. */
    Check check(List<Verdict> verdicts, Instant now) {
        List<Verdict> silent = verdicts.stream().filter(v -> v.liveness() != Liveness.ALIVE).toList();
        long recent = silent.stream().filter(v -> v.silence().compareTo(policy.window()) < 0).count();
        boolean allSilent = verdicts.size() >= 2 && silent.size() == verdicts.size();
        boolean massive = recent >= policy.minSilentHosts() && recent > policy.maxSilentShare() * verdicts.size();
        boolean engage = allSilent || massive;
        Set<String> held = engage ? silent.stream().map(Verdict::hostId).filter(h -> !released.contains(h))
                .collect(Collectors.toCollection(TreeSet::new)) : Set.of();
        if (engage && engagedSince == null) {
            engagedSince = now;
            silentAtEngage = silent.stream().map(Verdict::hostId).collect(Collectors.toCollection(TreeSet::new));
            String hosts = silent.stream().map(v -> "host=" + v.hostId() + " silent "
                    + HeartbeatFailureDetector.seconds(v.silence())).collect(Collectors.joining(", "));
            String why = allSilent ? "all " + verdicts.size() + " judged hosts are silent at once; this instance is likely cut off"
                    : recent + " of " + verdicts.size() + " hosts went silent within " + policy.window().toSeconds()
                    + " s (more than " + Math.round(policy.maxSilentShare() * 100) + "%)";
            return new Check(held, Change.ENGAGED, Optional.of(OperatorNote.warn("mass-failure guard engaged: " + why
                    + " (" + hosts + "); fencing nothing, release hosts one by one through the API")), why);
        }
        if (!engage && engagedSince != null) {
            engagedSince = null;
            silentAtEngage = Set.of();
            released.clear();
            return new Check(held, Change.ENDED, Optional.of(OperatorNote.info(
                    "mass-failure guard disengaged: hosts heard again, detection resumes")), "hosts heard again");
        }
        return new Check(held, Change.NONE, Optional.empty(), null);
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
