package io.kvmha.contracts.security;

/** What an API caller may do; each role includes the ones before it. */
public enum ApiRole {
    /** Reads (GET, HEAD). */
    VIEWER,
    /** Everything that changes state, except the admin-only paths. */
    OPERATOR,
    /** Also the admin-only paths: fencing, releasing a guard. */
    ADMIN;

    public boolean includes(ApiRole needed) {
        return compareTo(needed) >= 0;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
