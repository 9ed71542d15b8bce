package dev.strata.cache.redis;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.redis.internal.StreamWriteQueue;
import dev.strata.cache.spi.WriteQueue;
import dev.strata.redis.KeyNamespace;
import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A durable write-behind queue on Redis Streams, for {@link
 * dev.strata.cache.strategy.WriteBehindCache.Builder#queue}: a write acknowledged by {@code put} or
 * {@code delete} survives the death of the process that made it, and is written to the database by
 * whichever node owns its partition.
 *
 * <ul>
 *   <li><b>Acknowledged means in Redis</b>: an offer runs one Lua script that XADDs the write to
 *       its partition's stream, records it as the key's newest pending write (so that coalescing
 *       and "a miss returns the queued value" work on every node) and gives it a per-key sequence
 *       (strictly increasing per key, from Redis's clock and a counter, so it survives a counter
 *       lost with Redis's data). With {@link Builder#waitForReplicas} it also waits for replicas
 *       ({@code WAIT}).
 *   <li><b>Partitions and leases</b>: keys are spread over {@link Builder#partitions} streams by
 *       hash. Each partition is flushed by one node at a time, the holder of its lease (a key with
 *       a fencing token, renewed every third of {@link Builder#leaseTime}). When the owner dies its
 *       lease expires and another node takes the partition over, claiming the entries the dead
 *       owner had read but not acknowledged (XAUTOCLAIM). Reads and acknowledgements check the
 *       token, so a node that lost its lease can neither read nor acknowledge.
 *   <li><b>Acknowledged after commit</b>: entries are XACKed (and deleted) only after the writer
 *       committed their batch, so a crash between writing and acknowledging makes the next owner
 *       write the batch again: the writer must be idempotent. Because an old owner may still be
 *       finishing a batch when the new one writes a newer value, give the writer the sequence: a
 *       {@link dev.strata.cache.spi.SequencedCacheWriter} (e.g. {@code JdbcCacheStore} with a
 *       {@code versionColumn}) refuses a write older than the row, so nothing is ever reordered.
 *   <li><b>Dead letters</b>: a batch that fails after the write-behind cache's retries is copied to
 *       the partition's dead-letter stream ({@code ...:dead}) with the error, then acknowledged.
 *   <li><b>Bound</b>: at most {@link Builder#capacity} unacknowledged entries (split evenly over
 *       the partitions); a write to a full partition is refused ({@link WriteQueue.Offer#FULL}).
 *       Streams are never trimmed: an unacknowledged entry is never dropped.
 * </ul>
 *
 * <p>Key layout, all under {@code <prefix>:wb:{<name>:<partition>}:}: {@code stream}, {@code
 * pending} (hash of newest pending writes), {@code seq}, {@code lease}, {@code fence}, {@code
 * dead}. One hash tag per partition keeps every script in one cluster slot.
 *
 * <p>What survives what: a process crash loses nothing acknowledged. A Redis restart loses what
 * Redis itself had not persisted: with AOF {@code appendfsync always} nothing, with {@code
 * everysec} up to a second of acknowledged writes, without persistence everything. A failover loses
 * what the new primary had not received; {@link Builder#waitForReplicas} narrows that to writes
 * that reached fewer replicas than asked for (those throw, although they may still be written).
 * Keys and values travel as strings (values Base64 of the {@link ValueCodec}'s bytes) and are
 * decoded as untrusted input: an entry that does not decode is dead-lettered.
 *
 * <p>Thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface RedisWriteQueue<K, V> extends WriteQueue<K, V> {

  /**
   * Starts a builder.
   *
   * @param redis the commands of a Lettuce connection to Redis or a Redis Cluster ({@code
   *     connection.async()} of a {@code StatefulRedisConnection<String, String>} or {@code
   *     StatefulRedisClusterConnection<String, String>}); the caller owns and closes it
   * @param keyCodec turns keys into strings and back
   * @param valueCodec turns values into bytes and back
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  static <K, V> Builder<K, V> builder(
      RedisClusterAsyncCommands<String, String> redis,
      KeyCodec<K> keyCodec,
      ValueCodec<V> valueCodec) {
    return new Builder<>(redis, keyCodec, valueCodec);
  }

  /**
   * Starts a builder on a connection of {@code strata-redis} ({@link RedisConnector}), which
   * carries the shared connection policy.
   *
   * @param connection a connection with string keys and values; the caller owns and closes it
   * @param keyCodec turns keys into strings and back
   * @param valueCodec turns values into bytes and back
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  static <K, V> Builder<K, V> builder(
      RedisConnection<String, String> connection, KeyCodec<K> keyCodec, ValueCodec<V> valueCodec) {
    return builder(
        Objects.requireNonNull(connection, "connection must not be null").async(),
        keyCodec,
        valueCodec);
  }

  /**
   * Returns this node's id, the consumer name and lease holder in Redis.
   *
   * @return the node id
   */
  String nodeId();

  /**
   * Returns a snapshot of the queue's state and counters; reads no Redis.
   *
   * @return the snapshot
   */
  RedisWriteQueueStats stats();

  /**
   * Builds a {@link RedisWriteQueue}; validated in {@link #build()}. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  final class Builder<K, V> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final KeyCodec<K> keyCodec;
    private final ValueCodec<V> valueCodec;
    private KeyNamespace namespace = KeyNamespace.defaults();
    private String name = "default";
    private String nodeId = UUID.randomUUID().toString().substring(0, 8);
    private int partitions = 8;
    private int capacity = 100_000;
    private Duration leaseTime = Duration.ofSeconds(10);
    private int replicas;
    private Duration replicaTimeout = Duration.ofMillis(100);
    private Duration pollInterval = Duration.ofMillis(50);
    private Duration commandTimeout = Duration.ofSeconds(5);

    private Builder(
        RedisClusterAsyncCommands<String, String> redis,
        KeyCodec<K> keyCodec,
        ValueCodec<V> valueCodec) {
      this.redis = Objects.requireNonNull(redis, "redis must not be null");
      this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec must not be null");
      this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec must not be null");
    }

    /**
     * Sets the key namespace; the queue's keys live in its write-behind sub-space ({@link
     * KeyNamespace#writeBehindKeyPrefix}); {@link KeyNamespace#defaults()} ({@code strata}) by
     * default.
     *
     * @param namespace the namespace shared by the application's Strata components
     * @return this builder
     */
    public Builder<K, V> namespace(KeyNamespace namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace must not be null");
      return this;
    }

    /**
     * Sets the queue's name, the same on every node that shares it (use the cache's name); {@code
     * default} by default.
     *
     * @param name letters, digits, {@code _ . -}; 1 to 64 characters
     * @return this builder
     */
    public Builder<K, V> name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets this node's id, unique among the nodes sharing the queue; random by default.
     *
     * @param nodeId letters, digits, {@code _ . -}; 1 to 64 characters
     * @return this builder
     */
    public Builder<K, V> nodeId(String nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Sets the number of partitions; 8 by default. Must be the same on every node and must not
     * change while entries are pending.
     *
     * @param partitions 1 to 1024
     * @return this builder
     */
    public Builder<K, V> partitions(int partitions) {
      this.partitions = partitions;
      return this;
    }

    /**
     * Sets the most unacknowledged entries, over all partitions; 100,000 by default.
     *
     * @param capacity at least the number of partitions
     * @return this builder
     */
    public Builder<K, V> capacity(int capacity) {
      this.capacity = capacity;
      return this;
    }

    /**
     * Sets how long a partition's lease lasts without renewal, so how long a dead owner's
     * partitions wait before another node takes them over; 10 s by default. It must be longer than
     * a pause of the owner (GC, network) to avoid needless takeovers.
     *
     * @param leaseTime 100 ms to 10 minutes
     * @return this builder
     */
    public Builder<K, V> leaseTime(Duration leaseTime) {
      this.leaseTime = leaseTime;
      return this;
    }

    /**
     * Makes every offer wait until {@code replicas} replicas have the write ({@code WAIT}), up to
     * {@code timeout}, and throw when fewer confirmed it (the write stays queued); 0 replicas (no
     * waiting) by default. Use on a standalone or Sentinel-managed primary; on a Redis Cluster
     * connection {@code WAIT} goes to a node that may not hold the key.
     *
     * @param replicas 0 or more
     * @param timeout positive
     * @return this builder
     */
    public Builder<K, V> waitForReplicas(int replicas, Duration timeout) {
      this.replicas = replicas;
      this.replicaTimeout = timeout;
      return this;
    }

    /**
     * Sets how often the flusher looks for new entries of partitions it owns (at most the
     * write-behind cache's {@code maxDelay}; a flush request wakes it at once); 50 ms by default.
     * Writes made meanwhile, on any node, go out in one batch.
     *
     * @param pollInterval 1 ms to 10 s
     * @return this builder
     */
    public Builder<K, V> pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    /**
     * Sets how long one Redis call may take before it fails; 5 s by default.
     *
     * @param commandTimeout positive
     * @return this builder
     */
    public Builder<K, V> commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * Validates the settings and builds the queue; starts its lease thread, which takes free
     * partitions at once. Hand the queue to one write-behind cache, which releases it on close.
     *
     * @return the queue
     * @throws IllegalArgumentException naming the setting that is malformed or out of range
     * @throws NullPointerException naming the setting that was set to null
     */
    public RedisWriteQueue<K, V> build() {
      require("name", name, NAME);
      require("nodeId", nodeId, NAME);
      if (partitions < 1 || partitions > 1024) {
        throw new IllegalArgumentException("partitions must be in [1, 1024] but was " + partitions);
      }
      if (capacity < partitions) {
        throw new IllegalArgumentException(
            "capacity must be at least partitions (" + partitions + ") but was " + capacity);
      }
      range("leaseTime", leaseTime, Duration.ofMillis(100), Duration.ofMinutes(10));
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must not be negative but was " + replicas);
      }
      range("replicaTimeout", replicaTimeout, Duration.ofMillis(1), Duration.ofMinutes(1));
      range("pollInterval", pollInterval, Duration.ofMillis(1), Duration.ofSeconds(10));
      range("commandTimeout", commandTimeout, Duration.ofMillis(1), Duration.ofMinutes(10));
      return new StreamWriteQueue<>(
          redis,
          keyCodec,
          valueCodec,
          namespace.writeBehindKeyPrefix(name),
          name,
          nodeId,
          partitions,
          capacity,
          leaseTime,
          replicas,
          replicaTimeout,
          pollInterval,
          commandTimeout);
    }

    private static void require(String field, String value, Pattern pattern) {
      Objects.requireNonNull(value, field + " must not be null");
      if (!pattern.matcher(value).matches()) {
        throw new IllegalArgumentException(
            field + " must match " + pattern.pattern() + " but was '" + value + "'");
      }
    }

    private static void range(String field, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, field + " must not be null");
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            field + " must be in [" + min + ", " + max + "] but was " + value);
      }
    }
  }
}
