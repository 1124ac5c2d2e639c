package io.kvmha.simulation.scenario;

import io.kvmha.simulation.Simulation;

/** One benchmark scenario, run against a started {@link Simulation}. */
public interface Scenario {

    /** The benchmark name ({@code sim-...}). */
    String name();

    ScenarioResult run(Simulation simulation);
}
