/**
 * A deterministic discrete-event simulator of a client-side load balancer in front of servers of
 * different speeds, for comparing {@link dev.strata.lb.Selectors} on latency percentiles, success
 * rate and load share. Run {@link dev.strata.lb.sim.SimulatorCommand} for a comparison table of a
 * named {@link dev.strata.lb.sim.Scenario}.
 */
@NullMarked
package dev.strata.lb.sim;

import org.jspecify.annotations.NullMarked;
