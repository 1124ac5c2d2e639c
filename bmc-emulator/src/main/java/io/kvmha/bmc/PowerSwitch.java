package io.kvmha.bmc;

/**
 * What actually cuts and restores a system's power behind the emulated BMC (the testbed kills or boots a
 * namespace host). The emulator calls it synchronously between {@code PoweringOff} and {@code Off} (and
 * {@code PoweringOn} and {@code On}), so a client that reads {@code Off} knows the host no longer runs
 * anything, exactly what a real BMC's {@code Off} promises. A switch that throws leaves the power as it was.
 */
public interface PowerSwitch {

    void powerOff(String systemId) throws Exception;

    void powerOn(String systemId) throws Exception;
}
