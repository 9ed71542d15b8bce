package dev.strata.health.check;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import dev.strata.health.internal.Durations;
import dev.strata.health.internal.Latency;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
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
 * <p>Three ways to create it: {@link #of(StatefulRedisConnection, Duration)} pings on the
 * application's own connection (recommended: it checks what the application uses); {@link
 * #of(RedisClient, Duration)} opens one connection from the application's client on first use and
 * keeps it; {@link #of(String, Duration)} creates and owns a client for a URI. {@link #close()}
 * closes only what the check created.
 *
 * <p>This class is the only one that refers to Lettuce, so the optional Lettuce dependency is
 * needed only when it is used. Thread-safe.
 */
public final class RedisHealthCheck implements HealthCheck, AutoCloseable {

  private final @Nullable RedisClient client;
  private final @Nullable RedisURI uri;
  private final boolean ownsClient;
  private final Duration timeout;
  private final Object lock = new Object();
  private @Nullable CompletableFuture<StatefulRedisConnection<String, String>> ownConnection;
  private final @Nullable StatefulRedisConnection<?, ?> givenConnection;
  private boolean closed;

  private RedisHealthCheck(
      @Nullable RedisClient client,
      @Nullable RedisURI uri,
      boolean ownsClient,
      @Nullable StatefulRedisConnection<?, ?> connection,
      Duration timeout) {
    this.client = client;
    this.uri = uri;
    this.ownsClient = ownsClient;
    this.givenConnection = connection;
    this.timeout = timeout;
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
    Objects.requireNonNull(connection, "connection");
    Durations.requirePositive("timeout", timeout);
    return new RedisHealthCheck(null, null, false, connection, timeout);
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
    Objects.requireNonNull(client, "client");
    Durations.requirePositive("timeout", timeout);
    return new RedisHealthCheck(client, null, false, null, timeout);
  }

  /**
   * Creates and owns a client for {@code uri}, with {@code timeout} as connect and command timeout;
   * {@link #close()} shuts it down.
   *
   * @param uri a Redis URI such as {@code redis://127.0.0.1:6379}, not null
   * @param timeout how long to wait for a connection or PONG, positive
   * @return the check
   * @throws IllegalArgumentException if the URI is malformed or the timeout not positive
   */
  public static RedisHealthCheck of(String uri, Duration timeout) {
    Objects.requireNonNull(uri, "uri");
    Durations.requirePositive("timeout", timeout);
    RedisURI redisUri;
    try {
      redisUri = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("uri must be a Redis URI but was '" + uri + "'", e);
    }
    redisUri.setTimeout(timeout);
    RedisClient client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .build());
    return new RedisHealthCheck(client, redisUri, true, null, timeout);
  }

  @Override
  public CheckResult check() throws InterruptedException {
    StatefulRedisConnection<?, ?> connection;
    try {
      connection = connection();
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      return CheckResult.down("cannot connect to Redis: " + CheckResult.describe(e));
    }
    long start = System.nanoTime();
    RedisFuture<String> pong = connection.async().ping();
    String reply;
    try {
      reply = pong.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pong.cancel(false);
      return CheckResult.down("PING timed out after " + timeout.toMillis() + "ms");
    } catch (ExecutionException e) {
      return CheckResult.down("PING failed: " + CheckResult.describe(e));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("latencyMillis", Latency.millisSince(start));
    if (!"PONG".equals(reply)) {
      return CheckResult.down("unexpected reply to PING: " + reply, details);
    }
    return CheckResult.up(details);
  }

  private StatefulRedisConnection<?, ?> connection()
      throws InterruptedException, ExecutionException, TimeoutException {
    if (givenConnection != null) {
      return givenConnection;
    }
    CompletableFuture<StatefulRedisConnection<String, String>> pending;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("Redis health check is closed");
      }
      if (ownConnection == null || ownConnection.isCompletedExceptionally()) {
        // Once made, the connection is kept: Lettuce reconnects it by itself after a disconnect.
        // A connect that outlasts one check's timeout is waited for again by the next check
        // instead of being started twice.
        RedisClient c = Objects.requireNonNull(client);
        ownConnection =
            uri == null
                ? CompletableFuture.completedFuture(c.connect())
                : c.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
      }
      pending = ownConnection;
    }
    return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Closes the connection this check opened and the client it created, if any. Idempotent. */
  @Override
  public void close() {
    CompletableFuture<StatefulRedisConnection<String, String>> conn;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      conn = ownConnection;
      ownConnection = null;
    }
    if (conn != null) {
      conn.thenAccept(StatefulRedisConnection::close);
    }
    if (ownsClient && client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Override
  public String toString() {
    return "RedisHealthCheck{" + (uri != null ? uri.toString() : "connection") + "}";
  }
}
