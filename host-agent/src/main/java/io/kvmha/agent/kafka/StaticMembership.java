package io.kvmha.agent.kafka;

/**
 * The agent's consumers are static members of their groups ({@code group.instance.id} = the host's agent).
 * An agent killed with its host holds its partitions until the session times out (45 s by default); without
 * a static id, the agent of the rebooted host would wait that long to join and read no command — not even
 * the undefines that must run before its host is ONLINE again. With one, the new process takes the old
 * member's place at once.
 */
final class StaticMembership {

    /** For {@code @KafkaListener(properties = ...)}; one id per host, the same in each of its groups. */
    static final String STATIC_MEMBER = "group.instance.id=host-agent-${kvmha.agent.host-id}";

    private StaticMembership() {
    }
}
