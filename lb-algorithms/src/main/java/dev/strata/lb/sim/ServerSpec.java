package dev.strata.lb.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How one simulated server behaves. Immutable.
 *
 * <ul>
 *   <li>{@link #queue}: a healthy server with a number of workers and exponentially distributed
 *       service times; requests beyond the workers wait in a FIFO queue.
 *   <li>{@link #stuck}: every request takes a fixed, long time (unbounded parallelism).
 *   <li>{@link #failing}: every request fails after a fixed, usually short, time.
 * </ul>
 */
public final class ServerSpec {

  enum Kind {
    QUEUE,
    STUCK,
    FAILING
  }

  private final Kind kind;
  private final int workers;
  private final long latencyNanos;
  private final int weight;

  private ServerSpec(Kind kind, int workers, long latencyNanos, int weight) {
    this.kind = kind;
    this.workers = workers;
    this.latencyNanos = latencyNanos;
    this.weight = weight;
  }

  /**
   * Returns a copy with the weight its endpoint gets in the pool (default 1).
   *
   * @param newWeight 1 to {@link dev.strata.lb.Endpoint#MAX_WEIGHT}
   * @return the copy
   * @throws IllegalArgumentException if the weight is out of range
   */
  public ServerSpec withWeight(int newWeight) {
    if (newWeight < 1 || newWeight > dev.strata.lb.Endpoint.MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight must be between 1 and "
              + dev.strata.lb.Endpoint.MAX_WEIGHT
              + " but was "
              + newWeight);
    }
    return new ServerSpec(kind, workers, latencyNanos, newWeight);
  }

  /**
   * Returns the weight of the server's endpoint.
   *
   * @return at least 1
   */
  public int weight() {
    return weight;
  }

  /**
   * A queueing server.
   *
   * @param workers requests served at once, at least 1
   * @param meanServiceTime mean of the exponential service time, positive
   * @return the spec
   * @throws IllegalArgumentException naming a bad argument
   */
  public static ServerSpec queue(int workers, Duration meanServiceTime) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1 but was " + workers);
    }
    return new ServerSpec(Kind.QUEUE, workers, positive("meanServiceTime", meanServiceTime), 1);
  }

  /**
   * A server on which every request takes {@code latency} (and then succeeds, if the client still
   * waits).
   *
   * @param latency positive
   * @return the spec
   */
  public static ServerSpec stuck(Duration latency) {
    return new ServerSpec(Kind.STUCK, Integer.MAX_VALUE, positive("latency", latency), 1);
  }

  /**
   * A server on which every request fails after {@code latency}.
   *
   * @param latency positive
   * @return the spec
   */
  public static ServerSpec failing(Duration latency) {
    return new ServerSpec(Kind.FAILING, Integer.MAX_VALUE, positive("latency", latency), 1);
  }

  private static long positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be positive but was " + value);
    }
    return value.toNanos();
  }

  Kind kind() {
    return kind;
  }

  int workers() {
    return workers;
  }

  long latencyNanos() {
    return latencyNanos;
  }

  /**
   * Returns the requests per second this server can complete, infinite for stuck and failing ones.
   *
   * @return the capacity
   */
  public double capacityPerSecond() {
    return kind == Kind.QUEUE ? workers * 1e9 / latencyNanos : Double.POSITIVE_INFINITY;
  }

  @Override
  public String toString() {
    switch (kind) {
      case QUEUE:
        return "queue(" + workers + " x " + latencyNanos / 1_000_000.0 + " ms)";
      case STUCK:
        return "stuck(" + latencyNanos / 1_000_000.0 + " ms)";
      default:
        return "failing(" + latencyNanos / 1_000_000.0 + " ms)";
    }
  }
}
