package dev.strata.jmh;

import dev.strata.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/**
 * A private redis-server (started through strata-test-support) and one Lettuce client on it, as the
 * Redis benchmarks set them up for a trial. Not thread-safe: a benchmark starts it in its trial
 * setup and closes it in its trial teardown, after everything built on the client is closed.
 */
public final class BenchmarkRedis implements AutoCloseable {

  private final RedisServer server;
  private final RedisClient client;

  private BenchmarkRedis(RedisServer server, RedisClient client) {
    this.server = server;
    this.client = client;
  }

  /**
   * Starts a redis-server on a free port and a client on it.
   *
   * @throws IllegalStateException when the server does not start
   */
  public static BenchmarkRedis start() {
    RedisServer server = RedisServer.start();
    return new BenchmarkRedis(server, RedisClient.create(server.uri()));
  }

  /** The client on the private server. */
  public RedisClient client() {
    return client;
  }

  /** The host the server listens on. */
  public String host() {
    return server.host();
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  /** Shuts the client down with Lettuce's default quiet period, then stops the server. */
  @Override
  public void close() {
    client.shutdown();
    server.close();
  }

  /** Shuts the client down without a quiet period (at most one second), then stops the server. */
  public void closeWithoutQuietPeriod() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    server.close();
  }
}
