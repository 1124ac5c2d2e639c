package io.kvmha.scheduler.core;

/** Memory unit conversions; specs speak MiB, inventories speak bytes. */
public final class Units {

    public static final long MIB = 1024L * 1024L;

    private Units() {
    }

    public static long mibToBytes(long mib) {
        return Math.multiplyExact(mib, MIB);
    }

    public static long bytesToMib(long bytes) {
        return bytes / MIB;
    }
}
