package dev.strata.cache.redis.internal;

import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one Lettuce connection of a cache (standalone or cluster), opened by a {@link
 * RedisConnector}, and that connector when the cache owns it. Closing closes the connection and an
 * owned connector (which shuts down a client only if it created one). Thread-safe.
 */
public final class RedisConnectionResource implements AutoCloseable {

  private final RedisConnector connector;
  private final boolean ownsConnector;
  private final RedisConnection<byte[], byte[]> connection;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisConnectionResource(
      RedisConnector connector, boolean ownsConnector, RedisConnection<byte[], byte[]> connection) {
    this.connector = connector;
    this.ownsConnector = ownsConnector;
    this.connection = connection;
  }

  /**
   * Opens a byte-array connection of a connector.
   *
   * @param connector the connector
   * @param ownsConnector whether closing the resource closes the connector
   * @param timeout the command timeout of the connection
   * @return the resource
   */
  public static RedisConnectionResource open(
      RedisConnector connector, boolean ownsConnector, Duration timeout) {
    try {
      return new RedisConnectionResource(
          connector, ownsConnector, connector.connect(ByteArrayCodec.INSTANCE, timeout));
    } catch (RuntimeException e) {
      if (ownsConnector) {
        connector.close();
      }
      throw e;
    }
  }

  /**
   * Returns the asynchronous commands of the connection.
   *
   * @return the commands, shared by every caller
   */
  public RedisClusterAsyncCommands<byte[], byte[]> commands() {
    return connection.async();
  }

  /**
   * Returns the connector the connection came from.
   *
   * @return the connector
   */
  public RedisConnector connector() {
    return connector;
  }

  /** Closes the connection and an owned connector; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      connection.close();
    } finally {
      if (ownsConnector) {
        connector.close();
      }
    }
  }
}
