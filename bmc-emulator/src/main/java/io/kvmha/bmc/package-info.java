/** A Redfish BMC emulator speaking real HTTP, for tests, the testbed and the simulation. */
package io.kvmha.bmc;
