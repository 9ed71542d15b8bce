package dev.strata.demo;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, for the orchestrator (not a test dependency). */
final class Awaits {
  private Awaits() {}

  /**
   * Waits until the condition holds, polling every 20 ms.
   *
   * @param condition the condition
   * @param timeout how long to wait
   * @param what what is awaited, for the message
   * @return the milliseconds waited
   * @throws IllegalStateException when the time runs out
   */
  static long until(BooleanSupplier condition, Duration timeout, String what) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      ServiceInstance.pause(Duration.ofMillis(20));
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
