package dev.strata.cache.redis;

import dev.strata.cache.invalidation.VersionStore;
import dev.strata.cache.spi.SingleFlight;
import dev.strata.redis.KeyNamespace;
import dev.strata.redis.LogThrottle;
import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link VersionStore} whose counters live in Redis ({@code INCR} to bump, {@code GET} to read),
 * so that every node sees the same versions: bumping a namespace's version on one node orphans its
 * entries for all nodes. Works on a standalone Redis and on Redis Cluster.
 *
 * <p><b>Local copies.</b> A version read from Redis is kept in this process for {@code localTtl} (1
 * second by default), so a read costs a map lookup most of the time. A bump by another node is
 * therefore visible here within {@code localTtl}; a bump by this node is visible here at once.
 * Redis is the authority: if it loses its counters (a restart without persistence), versions start
 * again from 0 and every node follows within {@code localTtl}. The counter of id {@code x} is the
 * Redis key {@code <keyPrefix>:v:x} ({@code strata:v:x} by default), in the version store's own
 * sub-space of the {@link KeyNamespace}.
 *
 * <p><b>Failures.</b> Commands time out after {@code commandTimeout}. If Redis cannot be read
 * (down, slow, or the stored counter is not a non-negative integer) {@link #version(String)} does
 * not throw:
 *
 * <ul>
 *   <li>if this node knew a version of the id, it serves that one, however old;
 *   <li>if it never knew one, it returns a fresh random negative version on every call, which no
 *       stored key ever carries: a {@code VersionedCache} then misses (its loader supplies the
 *       value) and what it writes meanwhile is never read. Guessing 0 instead could bring back
 *       entries that a bump orphaned.
 * </ul>
 *
 * <p>Either way the store asks Redis again only after another {@code localTtl}, so an outage costs
 * one timeout per id and interval, not one per call; failures are counted ({@link #failureCount()})
 * and logged at a limited rate. {@link #bump(String)} always needs Redis and throws {@link
 * RedisException} when it cannot reach it (the bump may or may not have happened): a failed
 * invalidation must not pass silently.
 *
 * <p>Thread-safe. Concurrent refreshes of one id make one {@code GET}. {@link #close()} closes the
 * store's connection; the client (or connector) stays the caller's.
 */
public final class RedisVersionStore implements VersionStore, AutoCloseable {

  /** The default key prefix of the application ({@link KeyNamespace#DEFAULT_KEY_PREFIX}). */
  public static final String DEFAULT_KEY_PREFIX = KeyNamespace.DEFAULT_KEY_PREFIX;

  /** The default time a version read from Redis is trusted locally. */
  public static final Duration DEFAULT_LOCAL_TTL = Duration.ofSeconds(1);

  /** The default command timeout. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);

  private static final Logger LOG = LoggerFactory.getLogger(RedisVersionStore.class);

  /** Marks an id whose version could not be read and was never known, until the next retry. */
  private static final long UNKNOWN = -1;

  private final String versionKeyPrefix;
  private final long localTtlNanos;
  private final int maxLocalVersions;
  private final RedisConnection<String, String> connection;
  private final RedisClusterCommands<String, String> commands;
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private final SingleFlight<String, Long> refreshes = new SingleFlight<>();
  private final LongAdder failures = new LongAdder();
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));

  /**
   * A version, when it was asked for (System.nanoTime when the command was sent) and until when it
   * is trusted.
   */
  private record Known(long version, long observedAtNanos, long freshUntilNanos) {}

  private RedisVersionStore(Builder builder, RedisConnection<String, String> connection) {
    this.versionKeyPrefix = KeyNamespace.of(builder.keyPrefix).versionKeyPrefix();
    this.localTtlNanos = builder.localTtl.toNanos();
    this.maxLocalVersions = builder.maxLocalVersions;
    this.connection = connection;
    this.commands = connection.sync();
  }

  /**
   * Returns a builder for a store on a standalone Redis (or one reached through Sentinel).
   *
   * @param client the client to open the store's connection with; stays the caller's
   * @return a new builder
   */
  public static Builder builder(RedisClient client) {
    Objects.requireNonNull(client, "client must not be null");
    return new Builder(timeout -> RedisConnector.of(client).connect(StringCodec.UTF8, timeout));
  }

  /**
   * Returns a builder for a store on Redis Cluster.
   *
   * @param client the cluster client to open the store's connection with; stays the caller's
   * @return a new builder
   */
  public static Builder builder(RedisClusterClient client) {
    Objects.requireNonNull(client, "client must not be null");
    return new Builder(timeout -> RedisConnector.of(client).connect(StringCodec.UTF8, timeout));
  }

  /**
   * Returns a builder for a store on a connector the caller owns (standalone or cluster).
   *
   * @param connector the connector to open the store's connection with; stays the caller's
   * @return a new builder
   */
  public static Builder builder(RedisConnector connector) {
    Objects.requireNonNull(connector, "connector must not be null");
    return new Builder(timeout -> connector.connect(StringCodec.UTF8, timeout));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Never fails for want of Redis: see the class description for what it returns then.
   *
   * @return the version; negative only while Redis cannot be read and no version of {@code id} is
   *     known here
   * @throws NullPointerException if {@code id} is null
   */
  @Override
  public long version(String id) {
    Known current = known.get(Objects.requireNonNull(id, "id must not be null"));
    if (current != null && current.freshUntilNanos - System.nanoTime() > 0) {
      return current.version >= 0 ? current.version : outageVersion();
    }
    Long version = refreshes.load(id, this::refresh);
    return Objects.requireNonNull(version);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code id} is null
   * @throws RedisException if Redis could not be reached or did not answer in time
   */
  @Override
  public long bump(String id) {
    Objects.requireNonNull(id, "id must not be null");
    long bumpedAt = System.nanoTime();
    long version;
    try {
      version = Objects.requireNonNull(commands.incr(versionKeyPrefix + id));
    } catch (RuntimeException e) {
      failures.increment();
      throw new RedisException("could not bump the version of '" + id + "'", e);
    }
    remember(id, version, bumpedAt);
    return version;
  }

  /**
   * Returns how many reads or bumps failed because Redis could not be reached or held a corrupt
   * counter.
   *
   * @return the count since the store was built
   */
  public long failureCount() {
    return failures.sum();
  }

  /**
   * Returns the Redis key that holds the counter of an id.
   *
   * @param id the counter's id
   * @return {@code <keyPrefix>:v:<id>}
   */
  public String redisKey(String id) {
    return versionKeyPrefix + Objects.requireNonNull(id, "id must not be null");
  }

  /** Closes the store's connection; idempotent. */
  @Override
  public void close() {
    connection.close();
  }

  private long refresh(String id) {
    Known current = known.get(id);
    if (current != null && current.freshUntilNanos - System.nanoTime() > 0) {
      // refreshed (or failed) by a caller that finished just before this one
      return current.version >= 0 ? current.version : outageVersion();
    }
    long askedAt = System.nanoTime();
    try {
      String raw = commands.get(versionKeyPrefix + id);
      return remember(id, parse(id, raw), askedAt);
    } catch (RuntimeException e) {
      failures.increment();
      boolean knownBefore = current != null && current.version >= 0;
      if (failureLog.permit()) {
        LOG.warn(
            "Could not read the version of '{}' from Redis; {} ({} similar failures not logged)",
            id,
            knownBefore
                ? "serving the last known version " + current.version
                : "no version is known here, so every read of it misses",
            failureLog.takeSuppressed(),
            e);
      }
      long retryAt = System.nanoTime() + localTtlNanos;
      Known fallback =
          knownBefore
              ? new Known(current.version, current.observedAtNanos, retryAt)
              : new Known(UNKNOWN, askedAt, retryAt);
      long version = known.merge(id, fallback, RedisVersionStore::later).version;
      return version >= 0 ? version : outageVersion();
    }
  }

  /**
   * Returns a fresh negative version: Redis never holds one, and each call gives another, so a
   * stored key built from it matches nothing, before or after.
   */
  private static long outageVersion() {
    return -1 - ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
  }

  private static long parse(String id, @Nullable String raw) {
    if (raw == null) {
      return 0;
    }
    try {
      long version = Long.parseLong(raw);
      if (version < 0) {
        throw new NumberFormatException("negative");
      }
      return version;
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "the counter of '" + id + "' in Redis is not a non-negative integer", e);
    }
  }

  private long remember(String id, long version, long observedAtNanos) {
    if (known.size() >= maxLocalVersions && !known.containsKey(id)) {
      forgetStale();
    }
    Known observed = new Known(version, observedAtNanos, observedAtNanos + localTtlNanos);
    return known.merge(id, observed, RedisVersionStore::later).version;
  }

  private void forgetStale() {
    long now = System.nanoTime();
    known.values().removeIf(k -> k.freshUntilNanos - now <= 0);
  }

  /**
   * Keeps the answer to the command sent last: the commands of one connection run in the order they
   * were sent, so that answer reflects every earlier bump. A fallback to a known version keeps that
   * version and its time and only moves the time of the next retry.
   */
  private static Known later(Known old, Known candidate) {
    if (candidate.observedAtNanos - old.observedAtNanos < 0) {
      return old;
    }
    if (candidate.observedAtNanos == old.observedAtNanos
        && candidate.freshUntilNanos - old.freshUntilNanos < 0) {
      return old;
    }
    return candidate;
  }

  /**
   * Builds a {@link RedisVersionStore}. Not thread-safe; validated in {@link #build()}, which also
   * opens the connection.
   */
  public static final class Builder {
    private final Function<Duration, RedisConnection<String, String>> opener;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration localTtl = DEFAULT_LOCAL_TTL;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int maxLocalVersions = 100_000;

    private Builder(Function<Duration, RedisConnection<String, String>> opener) {
      this.opener = opener;
    }

    /**
     * Sets the application's key prefix; the counters live under {@code <keyPrefix>:v:}.
     *
     * @param keyPrefix 1 to 100 of {@code A-Z a-z 0-9 . _ : -}; defaults to {@value
     *     #DEFAULT_KEY_PREFIX}
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets how long a version read from Redis is used without asking again: the bound on how late
     * this node sees another node's bump.
     *
     * @param localTtl zero (always ask Redis) or positive; defaults to 1 second
     * @return this builder
     */
    public Builder localTtl(Duration localTtl) {
      this.localTtl = localTtl;
      return this;
    }

    /**
     * Sets how long a Redis command may take before it counts as failed.
     *
     * @param commandTimeout positive; defaults to 500 ms
     * @return this builder
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * Sets how many versions are kept locally before stale ones are forgotten.
     *
     * @param maxLocalVersions positive; defaults to 100 000
     * @return this builder
     */
    public Builder maxLocalVersions(int maxLocalVersions) {
      this.maxLocalVersions = maxLocalVersions;
      return this;
    }

    /**
     * Validates the settings, opens the store's connection and returns the store.
     *
     * @return the store
     * @throws IllegalArgumentException naming the setting that is out of range
     * @throws NullPointerException if a setting was set to null
     * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached
     */
    public RedisVersionStore build() {
      KeyNamespace.of(keyPrefix);
      Objects.requireNonNull(localTtl, "localTtl must not be null");
      if (localTtl.isNegative()) {
        throw new IllegalArgumentException("localTtl must be zero or positive but was " + localTtl);
      }
      Objects.requireNonNull(commandTimeout, "commandTimeout must not be null");
      if (commandTimeout.isZero() || commandTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "commandTimeout must be positive but was " + commandTimeout);
      }
      if (maxLocalVersions <= 0) {
        throw new IllegalArgumentException(
            "maxLocalVersions must be positive but was " + maxLocalVersions);
      }
      return new RedisVersionStore(this, opener.apply(commandTimeout));
    }
  }
}
