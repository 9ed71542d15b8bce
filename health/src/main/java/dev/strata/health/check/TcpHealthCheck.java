package dev.strata.health.check;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import dev.strata.health.internal.Durations;
import dev.strata.health.internal.Latency;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * UP when a TCP connection to a host and port can be opened within a timeout (the connection is
 * closed at once). Details: {@code host}, {@code port}, {@code latencyMillis}. The host name is
 * resolved on every run, so DNS changes are followed. The error of a failed run is the failure
 * described by {@link CheckResult#describe}, with any URI in it redacted.
 *
 * <p>Immutable and thread-safe.
 */
public final class TcpHealthCheck implements HealthCheck {

  private final String host;
  private final int port;
  private final int connectTimeoutMillis;

  private TcpHealthCheck(String host, int port, Duration connectTimeout) {
    this.host = host;
    this.port = port;
    this.connectTimeoutMillis =
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
  }

  /**
   * Creates a check.
   *
   * @param host host name or IP literal, not blank
   * @param port 1 to 65535
   * @param connectTimeout positive, not null
   * @return the check
   * @throws IllegalArgumentException naming the field and value when one is invalid
   */
  public static TcpHealthCheck of(String host, int port, Duration connectTimeout) {
    Objects.requireNonNull(host, "host must not be null");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank but was '" + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
    }
    Durations.requirePositive("connectTimeout", connectTimeout);
    return new TcpHealthCheck(host, port, connectTimeout);
  }

  @Override
  public CheckResult check() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("host", host);
    details.put("port", port);
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      details.put("latencyMillis", Latency.millisSince(start));
      return CheckResult.up(details);
    } catch (IOException e) {
      return CheckResult.down(
          "cannot connect to " + host + ":" + port + ": " + CheckResult.describe(e), details);
    }
  }

  @Override
  public String toString() {
    return "TcpHealthCheck{" + host + ":" + port + "}";
  }
}
