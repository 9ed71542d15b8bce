package dev.strata.health.shutdown;

/** Where a {@link ShutdownCoordinator} is in its shutdown, in order. */
public enum ShutdownPhase {
  /** Serving: readiness is as the other checks say. */
  RUNNING,
  /** Readiness is DOWN, liveness unchanged; waiting the drain period for balancers to notice. */
  DRAINING,
  /** Waiting for in-flight requests to complete, up to the in-flight timeout. */
  AWAITING_IN_FLIGHT,
  /** Running the stop actions in order. */
  STOPPING,
  /** Every stop action has run; the shutdown is over. */
  STOPPED
}
