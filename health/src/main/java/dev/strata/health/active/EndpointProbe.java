package dev.strata.health.active;

import dev.strata.health.CheckResult;
import dev.strata.health.active.internal.HttpEndpointProbe;
import dev.strata.health.active.internal.TcpEndpointProbe;
import dev.strata.lb.Endpoint;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * How an {@link ActiveHealthChecker} probes one endpoint. A probe must not block the calling thread
 * (it is the process-wide prober thread): it starts non-blocking I/O and completes the returned
 * stage later. UP or DEGRADED counts as a successful probe, DOWN as a failed one, with the result's
 * error as the reason. The checker gives up on a stage that is not complete shortly after the
 * timeout and counts it as failed.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface EndpointProbe {

  /**
   * Starts probing an endpoint.
   *
   * @param endpoint the endpoint, not null
   * @param timeout how long the probe may take, positive
   * @return the result, completed when the probe finishes; never null
   */
  CompletionStage<CheckResult> probe(Endpoint endpoint, Duration timeout);

  /**
   * A probe that opens a TCP connection to the endpoint's address and closes it (non-blocking
   * {@code AsynchronousSocketChannel}; the host name is resolved through the JVM's cache).
   *
   * @return the probe
   */
  static EndpointProbe tcp() {
    return TcpEndpointProbe.INSTANCE;
  }

  /**
   * A probe that sends {@code GET http://HOST:PORT/path} and expects a status from 200 to 399. All
   * HTTP probes share one JDK {@code HttpClient} (HTTP/1.1, no redirects).
   *
   * @param path the path, starting with {@code /}, e.g. {@code /health/ready}
   * @return the probe
   * @throws IllegalArgumentException if the path does not start with {@code /}
   */
  static EndpointProbe http(String path) {
    return http(path, 200, 399);
  }

  /**
   * A probe that sends {@code GET http://HOST:PORT/path} and expects a status in a range.
   *
   * @param path the path, starting with {@code /}
   * @param minStatus lowest status counted as success, 100 to 599
   * @param maxStatus highest status counted as success, {@code minStatus} to 599
   * @return the probe
   * @throws IllegalArgumentException naming the field and value when one is invalid
   */
  static EndpointProbe http(String path, int minStatus, int maxStatus) {
    return new HttpEndpointProbe(path, minStatus, maxStatus);
  }
}
