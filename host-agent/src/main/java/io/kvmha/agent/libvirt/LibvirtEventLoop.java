package io.kvmha.agent.libvirt;

import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, which is process-wide: it must be registered once per process,
 * before any connection is opened, and run by one thread. This holder is the agent's one piece of
 * static state; every agent in the JVM shares the loop, each with its own connection.
 * The loop thread is a daemon and is never stopped: another agent in the JVM may still need it.
 */
final class LibvirtEventLoop {

    private static final Logger log = LoggerFactory.getLogger(LibvirtEventLoop.class);
    private static boolean running;
    /**
     * libvirt prints every error to stderr unless a handler is set; libvirt-java already turns each
     * into a LibvirtException that the agent logs with context, so the handler stays silent. Held in a
     * static field so that JNA's native callback is never garbage-collected.
     */
    private static final Libvirt.VirErrorCallback SILENT_ERRORS = (userData, error) -> { };

    private LibvirtEventLoop() {
    }

    static synchronized void ensureRunning() throws LibvirtException {
        if (running) {
            return;
        }
        Connect.setErrorCallback(SILENT_ERRORS);
        Library.initEventLoop();
        Thread loop = new Thread(LibvirtEventLoop::run, "libvirt-event-loop");
        loop.setDaemon(true);
        loop.start();
        running = true;
        log.info("libvirt event loop started (libvirt {})", LibvirtVersions.format(Library.getVersion()));
    }

    private static void run() {
        while (true) {
            try {
                Library.runEventLoop();
                return;
            } catch (InterruptedException e) {
                return;
            } catch (LibvirtException | RuntimeException e) {
                // One failed iteration must not end event delivery for every agent in the process.
                log.error("libvirt event loop iteration failed; continuing", e);
            }
        }
    }
}
