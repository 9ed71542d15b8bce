package dev.strata.health.check;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import dev.strata.health.internal.Durations;
import dev.strata.health.internal.Latency;
import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import dev.strata.redis.RedisUris;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * UP when Redis answers {@code PING} with {@code PONG} within a timeout (Lettuce). Details: {@code
 * latencyMillis}. A timeout or connection failure is DOWN.
 *
 * <p>Four ways to create it: {@link #of(StatefulRedisConnection, Duration)} pings on the
 * application's own connection (recommended: it checks what the application uses); {@link
 * #of(RedisConnector, Duration)} and {@link #of(RedisClient, Duration)} open one connection from
 * the application's connector or client on first use and keep it; {@link #of(String, Duration)}
 * creates and owns a client for a URI under the connection policy of {@link RedisSettings}. {@link
 * #close()} closes only what the check created. No message of the check, and not its {@link
 * #toString()}, shows a password given in a URI.
 *
 * <p>This class is the only one that refers to Lettuce and strata-redis, so those optional
 * dependencies are needed only when it is used. Thread-safe.
 */
public final class RedisHealthCheck implements HealthCheck, AutoCloseable {

  private final @Nullable RedisConnector connector;
  private final boolean ownsConnector;
  private final Duration timeout;
  private final String description;
  private final Object lock = new Object();
  private @Nullable CompletableFuture<RedisConnection<String, String>> ownConnection;
  private final @Nullable StatefulRedisConnection<?, ?> givenConnection;
  private boolean closed;

  private RedisHealthCheck(
      @Nullable RedisConnector connector,
      boolean ownsConnector,
      @Nullable StatefulRedisConnection<?, ?> connection,
      Duration timeout,
      String description) {
    this.connector = connector;
    this.ownsConnector = ownsConnector;
    this.givenConnection = connection;
    this.timeout = timeout;
    this.description = description;
  }

  /**
   * Pings on an existing connection, which stays the caller's (never closed by this check).
   *
   * @param connection the connection, not null
   * @param timeout how long to wait for PONG, positive
   * @return the check
   * @throws IllegalArgumentException if the timeout is not positive, naming the value
   */
  public static RedisHealthCheck of(StatefulRedisConnection<?, ?> connection, Duration timeout) {
    Objects.requireNonNull(connection, "connection must not be null");
    Durations.requirePositive("timeout", timeout);
    return new RedisHealthCheck(null, false, connection, timeout, "connection");
  }

  /**
   * Opens one connection from the caller's client on first use (connecting is bounded by the
   * client's own connect timeout) and pings on it; the client stays the caller's.
   *
   * @param client the client, not null
   * @param timeout how long to wait for PONG, positive
   * @return the check
   * @throws IllegalArgumentException if the timeout is not positive, naming the value
   */
  public static RedisHealthCheck of(RedisClient client, Duration timeout) {
    Objects.requireNonNull(client, "client must not be null");
    Durations.requirePositive("timeout", timeout);
    return new RedisHealthCheck(RedisConnector.of(client), true, null, timeout, "client");
  }

  /**
   * Opens one connection from the caller's connector (standalone or cluster) on first use and pings
   * on it; the connector stays the caller's.
   *
   * @param connector the connector, not null
   * @param timeout how long to wait for a connection or PONG, positive
   * @return the check
   * @throws IllegalArgumentException if the timeout is not positive, naming the value
   */
  public static RedisHealthCheck of(RedisConnector connector, Duration timeout) {
    Objects.requireNonNull(connector, "connector must not be null");
    Durations.requirePositive("timeout", timeout);
    return new RedisHealthCheck(connector, false, null, timeout, connector.toString());
  }

  /**
   * Creates and owns a client for {@code uri}, with {@code timeout} as connect and command timeout
   * and otherwise the defaults of {@link RedisSettings}; {@link #close()} shuts it down.
   *
   * @param uri a Redis URI such as {@code redis://127.0.0.1:6379}, not null
   * @param timeout how long to wait for a connection or PONG, positive
   * @return the check
   * @throws IllegalArgumentException if the URI is malformed (the message never shows its password)
   *     or the timeout not positive
   */
  public static RedisHealthCheck of(String uri, Duration timeout) {
    Objects.requireNonNull(uri, "uri must not be null");
    Durations.requirePositive("timeout", timeout);
    RedisSettings settings =
        RedisSettings.builder(uri).connectTimeout(timeout).commandTimeout(timeout).build();
    RedisConnector connector = RedisConnector.create(settings);
    return new RedisHealthCheck(connector, true, null, timeout, settings.toString());
  }

  @Override
  public CheckResult check() throws InterruptedException {
    RedisFuture<String> pong;
    long start;
    try {
      if (givenConnection != null) {
        start = System.nanoTime();
        pong = givenConnection.async().ping();
      } else {
        RedisConnection<String, String> connection = connection();
        start = System.nanoTime();
        pong = connection.async().ping();
      }
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      return CheckResult.down(
          "cannot connect to Redis: " + RedisUris.redact(CheckResult.describe(e)));
    }
    String reply;
    try {
      reply = pong.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pong.cancel(false);
      return CheckResult.down("PING timed out after " + timeout.toMillis() + "ms");
    } catch (ExecutionException e) {
      return CheckResult.down("PING failed: " + RedisUris.redact(CheckResult.describe(e)));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("latencyMillis", Latency.millisSince(start));
    if (!"PONG".equals(reply)) {
      return CheckResult.down("unexpected reply to PING: " + reply, details);
    }
    return CheckResult.up(details);
  }

  private RedisConnection<String, String> connection()
      throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture<RedisConnection<String, String>> pending;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("Redis health check is closed");
      }
      if (ownConnection == null || ownConnection.isCompletedExceptionally()) {
        // Once made, the connection is kept: Lettuce reconnects it by itself after a disconnect.
        // A connect that outlasts one check's timeout is waited for again by the next check
        // instead of being started twice.
        ownConnection = Objects.requireNonNull(connector).connectAsync(StringCodec.UTF8, timeout);
      }
      pending = ownConnection;
    }
    return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Closes the connection this check opened and the client it created, if any. Idempotent. */
  @Override
  public void close() {
    CompletableFuture<RedisConnection<String, String>> conn;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      conn = ownConnection;
      ownConnection = null;
    }
    if (conn != null) {
      conn.thenAccept(RedisConnection::close);
    }
    if (ownsConnector && connector != null) {
      connector.close();
    }
  }

  @Override
  public String toString() {
    return "RedisHealthCheck{" + description + "}";
  }
}
