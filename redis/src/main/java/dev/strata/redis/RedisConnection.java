package dev.strata.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread-safe Lettuce connection opened by a {@link RedisConnector}, used the same way on a
 * standalone Redis and on a Cluster: both kinds of Lettuce connection implement {@link
 * RedisClusterAsyncCommands} and {@link RedisClusterCommands} (on a Cluster, multi-key commands
 * such as {@code MGET} and {@code UNLINK} are split by slot and reassembled by Lettuce).
 *
 * <p>Share one connection between all threads of a component. {@link #close()} closes it;
 * idempotent. Thread-safe.
 *
 * @param <K> the key type of the codec
 * @param <V> the value type of the codec
 */
public final class RedisConnection<K, V> implements AutoCloseable {

  private final StatefulConnection<K, V> connection;
  private final RedisClusterAsyncCommands<K, V> async;
  private final RedisClusterCommands<K, V> sync;
  private final boolean cluster;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  RedisConnection(
      StatefulConnection<K, V> connection,
      RedisClusterAsyncCommands<K, V> async,
      RedisClusterCommands<K, V> sync,
      boolean cluster,
      Runnable onClose) {
    this.connection = connection;
    this.async = async;
    this.sync = sync;
    this.cluster = cluster;
    this.onClose = onClose;
  }

  /**
   * Returns the asynchronous commands.
   *
   * @return the commands, shared by every caller
   */
  public RedisClusterAsyncCommands<K, V> async() {
    return async;
  }

  /**
   * Returns the blocking commands; each waits at most the connection's timeout.
   *
   * @return the commands, shared by every caller
   */
  public RedisClusterCommands<K, V> sync() {
    return sync;
  }

  /**
   * Returns the Lettuce connection, for what the command interfaces do not offer (for example
   * {@code setAutoFlushCommands}).
   *
   * @return the connection
   */
  public StatefulConnection<K, V> stateful() {
    return connection;
  }

  /**
   * Returns whether this is a connection to a Redis Cluster.
   *
   * @return {@code true} on a cluster
   */
  public boolean isCluster() {
    return cluster;
  }

  /**
   * Returns whether the connection is open (connected, or reconnecting after a disconnect).
   *
   * @return {@code false} once closed
   */
  public boolean isOpen() {
    return !closed.get() && connection.isOpen();
  }

  /**
   * Returns the timeout of the connection's commands.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return connection.getTimeout();
  }

  /** Closes the connection; idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        connection.close();
      } finally {
        onClose.run();
      }
    }
  }

  @Override
  public String toString() {
    return "RedisConnection[" + (cluster ? "cluster" : "standalone") + "]";
  }
}
