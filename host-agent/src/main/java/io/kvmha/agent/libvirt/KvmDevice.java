package io.kvmha.agent.libvirt;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Whether hardware virtualisation is usable here: /dev/kvm exists and opens read-write. */
final class KvmDevice {

    static final Path DEFAULT = Path.of("/dev/kvm");

    private KvmDevice() {
    }

    static boolean usable(Path device) {
        try (RandomAccessFile ignored = new RandomAccessFile(device.toFile(), "rw")) {
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
