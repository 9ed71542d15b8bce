package dev.strata.cache.redis.internal;

import dev.strata.cache.redis.InvalidationFailedException;
import dev.strata.cache.redis.ValueCodec;
import dev.strata.redis.LogThrottle;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisUris;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis commands of one cache, each behind the cache's circuit breaker and command timeout, and
 * each degrading instead of failing: a read that cannot reach Redis is a miss, a write is skipped.
 * Invalidations are the exception: they fail with {@link InvalidationFailedException}, because a
 * silently lost invalidation leaves stale data behind.
 *
 * <p>Every degraded call is counted. Synchronous forms await the asynchronous command for at most
 * the command timeout; asynchronous forms never block and put the timeout on the command's future,
 * which also stops Lettuce from sending a command that timed out while it was still queued (so a
 * late write cannot land after the caller was told it was skipped).
 *
 * <p>Thread-safe: the Lettuce connection is.
 */
public final class GuardedRedisCommands {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedRedisCommands.class);

  /** Deletes a key only if it still holds the given bytes, so a fresh value is never lost. */
  private static final String DELETE_IF_UNCHANGED =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('UNLINK', KEYS[1]) end"
          + " return 0";

  private static final long SCAN_BATCH = 500;
  private static final int PRINTED_KEY_CHARS = 200;

  private final RedisClusterAsyncCommands<byte[], byte[]> commands;
  private final RedisConnector connector;
  private final CircuitBreaker breaker;
  private final long timeoutNanos;
  private final String cacheName;
  private final LongAdder degradedReads = new LongAdder();
  private final LongAdder skippedWrites = new LongAdder();
  private final LongAdder failedInvalidations = new LongAdder();
  private final LongAdder corruptValues = new LongAdder();
  private final LogThrottle readLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle writeLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle corruptLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle invalidationLog = new LogThrottle(Duration.ofSeconds(1));

  /**
   * Creates the guarded commands of one cache.
   *
   * @param commands the asynchronous commands of the cache's connection (standalone or cluster)
   * @param connector the connector the connection came from, which counts rejected commands
   * @param breaker the cache's circuit breaker
   * @param timeout the command timeout
   * @param cacheName the cache's name, for log messages
   */
  public GuardedRedisCommands(
      RedisClusterAsyncCommands<byte[], byte[]> commands,
      RedisConnector connector,
      CircuitBreaker breaker,
      Duration timeout,
      String cacheName) {
    this.commands = commands;
    this.connector = connector;
    this.breaker = breaker;
    this.timeoutNanos = timeout.toNanos();
    this.cacheName = cacheName;
  }

  // ---------------------------------------------------------------- reads

  /**
   * Reads one key, waiting at most the command timeout.
   *
   * @param key the Redis key
   * @return the stored bytes, or null when the key is missing, holds another Redis type (counted
   *     and logged, never deleted), or Redis could not answer
   */
  public byte @Nullable [] get(byte[] key) {
    if (!breaker.tryAcquirePermission()) {
      degradedReads.increment();
      return null;
    }
    long start = System.nanoTime();
    RedisFuture<byte[]> future = null;
    try {
      future = commands.get(key);
      byte[] value = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
      breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return value;
    } catch (ExecutionException e) {
      return readFailed(future, start, unwrap(e), key);
    } catch (TimeoutException | RuntimeException e) {
      return readFailed(future, start, e, key);
    } catch (InterruptedException e) {
      interrupted(future);
      return null;
    }
  }

  private byte @Nullable [] readFailed(
      @Nullable RedisFuture<?> future, long start, Throwable error, byte[] key) {
    cancel(future);
    if (isWrongType(error)) {
      breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      foreignType(key);
    } else {
      onReadFailure(start, error);
    }
    return null;
  }

  private static void cancel(@Nullable RedisFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private void interrupted(@Nullable RedisFuture<?> future) {
    cancel(future);
    breaker.releasePermission();
    degradedReads.increment();
    Thread.currentThread().interrupt();
  }

  /**
   * Reads one key without blocking.
   *
   * @param key the Redis key
   * @return a stage completed with the stored bytes, or with null when the key is missing, holds
   *     another Redis type, or Redis could not answer in time; never completed exceptionally
   */
  public CompletableFuture<byte @Nullable []> getAsync(byte[] key) {
    if (!breaker.tryAcquirePermission()) {
      degradedReads.increment();
      return CompletableFuture.completedFuture(null);
    }
    long start = System.nanoTime();
    return withTimeout(() -> commands.get(key))
        .handle(
            (value, error) -> {
              if (error == null) {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return value;
              }
              Throwable cause = unwrap(error);
              if (isWrongType(cause)) {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                foreignType(key);
              } else {
                onReadFailure(start, cause);
              }
              return null;
            });
  }

  /**
   * Reads several keys in one round trip (on a cluster, one MGET per slot) and decodes each value
   * from Lettuce's buffer, as {@link StoredValueReader#mget} describes.
   *
   * @param keys the Redis keys
   * @param codec decodes the values
   * @return the answers in key order (null, a value, {@link StoredValueReader#ABSENT} or a {@link
   *     StoredValueReader.Corrupt}), or null when Redis could not answer
   */
  public @Nullable Object @Nullable [] mget(byte[][] keys, ValueCodec<?> codec) {
    if (!breaker.tryAcquirePermission()) {
      degradedReads.increment();
      return null;
    }
    long start = System.nanoTime();
    CompletableFuture<@Nullable Object[]> future = null;
    try {
      future = StoredValueReader.mget(commands, keys, codec);
      @Nullable Object[] values = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
      breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return values;
    } catch (ExecutionException e) {
      cancel(future);
      onReadFailure(start, unwrap(e));
      return null;
    } catch (TimeoutException | RuntimeException e) {
      cancel(future);
      onReadFailure(start, e);
      return null;
    } catch (InterruptedException e) {
      cancel(future);
      breaker.releasePermission();
      degradedReads.increment();
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Reads several keys in one round trip without blocking, decoding as {@link #mget} does.
   *
   * @param keys the Redis keys
   * @param codec decodes the values
   * @return a stage completed with the answers in key order, or with null when Redis could not
   *     answer in time; never completed exceptionally
   */
  public CompletableFuture<@Nullable Object @Nullable []> mgetAsync(
      byte[][] keys, ValueCodec<?> codec) {
    if (!breaker.tryAcquirePermission()) {
      degradedReads.increment();
      return CompletableFuture.completedFuture(null);
    }
    long start = System.nanoTime();
    CompletableFuture<@Nullable Object[]> sent;
    try {
      sent = StoredValueReader.mget(commands, keys, codec);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
        .handle(
            (values, error) -> {
              if (error == null) {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return values;
              }
              onReadFailure(start, unwrap(error));
              return null;
            });
  }

  private static void cancel(@Nullable CompletableFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private void onReadFailure(long start, Throwable error) {
    connector.countIfRejected(error);
    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
    degradedReads.increment();
    warn(readLog, "Redis cache '" + cacheName + "': read degraded to a miss", error);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Starts writing entries (one SET each, sent back to back without waiting: pipelined).
   *
   * @param keys the Redis keys
   * @param values the stored bytes, by index
   * @param ttlMillis the TTL of each entry in milliseconds, by index; 0 or less for none
   * @param onlyIfAbsent write only keys that do not exist ({@code SET NX}): a fill after a load
   *     never overwrites what another process wrote meanwhile, nor a key of another Redis type
   * @return a stage completed with true when every entry was written, false when the writes were
   *     skipped (circuit open) or failed; never completed exceptionally
   */
  public CompletableFuture<Boolean> setAllAsync(
      List<byte[]> keys, List<byte[]> values, long[] ttlMillis, boolean onlyIfAbsent) {
    int count = keys.size();
    if (count == 0) {
      return CompletableFuture.completedFuture(true);
    }
    if (!breaker.tryAcquirePermission()) {
      skippedWrites.add(count);
      return CompletableFuture.completedFuture(false);
    }
    long start = System.nanoTime();
    CompletableFuture<?>[] writes = new CompletableFuture<?>[count];
    for (int i = 0; i < count; i++) {
      try {
        writes[i] =
            set(keys.get(i), values.get(i), ttlMillis[i], onlyIfAbsent).toCompletableFuture();
      } catch (RuntimeException e) {
        writes[i] = CompletableFuture.failedFuture(e);
      }
    }
    // one timeout for the whole pipelined batch, not a timer task per write
    CompletableFuture<?> all =
        (count == 1 ? writes[0] : CompletableFuture.allOf(writes))
            .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    return all.handle(
        (ok, error) -> {
          if (error == null) {
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return true;
          }
          for (CompletableFuture<?> write : writes) {
            write.cancel(false);
          }
          Throwable cause = unwrap(error);
          connector.countIfRejected(cause);
          breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, cause);
          skippedWrites.add(count);
          warn(
              writeLog,
              "Redis cache '" + cacheName + "': " + count + " write(s) skipped, Redis unavailable",
              cause);
          return false;
        });
  }

  private RedisFuture<String> set(byte[] key, byte[] value, long ttlMillis, boolean onlyIfAbsent) {
    if (onlyIfAbsent) {
      SetArgs args = ttlMillis > 0 ? SetArgs.Builder.nx().px(ttlMillis) : SetArgs.Builder.nx();
      return commands.set(key, value, args);
    }
    return ttlMillis > 0
        ? commands.set(key, value, SetArgs.Builder.px(ttlMillis))
        : commands.set(key, value);
  }

  /**
   * Counts writes that the cache decided not to attempt (for example a loaded value that was too
   * large to cache).
   *
   * @param count the number of writes
   */
  public void countSkippedWrites(int count) {
    skippedWrites.add(count);
  }

  // ---------------------------------------------------------------- deletes

  /**
   * Deletes keys (one UNLINK; on a cluster Lettuce splits it per slot).
   *
   * @param keys the Redis keys; not empty
   * @return a stage completed when Redis confirmed, or exceptionally with {@link
   *     InvalidationFailedException} when the circuit is open or Redis failed or timed out
   */
  public CompletableFuture<Void> unlinkAsync(byte[]... keys) {
    if (!breaker.tryAcquirePermission()) {
      return CompletableFuture.failedFuture(invalidationFailed(keys.length, null));
    }
    long start = System.nanoTime();
    return withTimeout(() -> commands.unlink(keys))
        .handle(
            (deleted, error) -> {
              if (error == null) {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return null;
              }
              Throwable cause = unwrap(error);
              breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, cause);
              throw invalidationFailed(keys.length, cause);
            });
  }

  /**
   * Deletes every key matching a pattern that {@code owned} accepts: SCAN (on a cluster, Lettuce
   * walks every master in turn) and one UNLINK per batch. Costs O(keys in the database), not O(keys
   * of the cache).
   *
   * @param pattern a SCAN MATCH pattern
   * @param owned accepts the keys that may be deleted (a second guard beside the pattern)
   * @return a stage completed when the scan finished, or exceptionally with {@link
   *     InvalidationFailedException}
   */
  public CompletableFuture<Void> unlinkMatchingAsync(String pattern, Predicate<byte[]> owned) {
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH);
    return scanStep(null, args, owned);
  }

  private CompletableFuture<Void> scanStep(
      @Nullable ScanCursor cursor, ScanArgs args, Predicate<byte[]> owned) {
    if (!breaker.tryAcquirePermission()) {
      return CompletableFuture.failedFuture(invalidationFailed(-1, null));
    }
    long start = System.nanoTime();
    return withTimeout(() -> cursor == null ? commands.scan(args) : commands.scan(cursor, args))
        .handle(
            (next, error) -> {
              if (error == null) {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return next;
              }
              Throwable cause = unwrap(error);
              breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, cause);
              throw invalidationFailed(-1, cause);
            })
        .thenCompose(
            next -> {
              List<byte[]> found = next.getKeys().stream().filter(owned).toList();
              CompletableFuture<Void> deleted =
                  found.isEmpty()
                      ? CompletableFuture.completedFuture(null)
                      : unlinkAsync(found.toArray(new byte[0][]));
              return next.isFinished()
                  ? deleted
                  : deleted.thenCompose(x -> scanStep(next, args, owned));
            });
  }

  private InvalidationFailedException invalidationFailed(int keys, @Nullable Throwable cause) {
    connector.countIfRejected(cause);
    failedInvalidations.increment();
    String what = keys < 0 ? "invalidation of all entries" : "invalidation of " + keys + " key(s)";
    String message =
        "Redis cache '"
            + cacheName
            + "': "
            + what
            + " could not reach Redis ("
            + (cause == null ? "circuit breaker open" : RedisUris.describe(cause))
            + "); stale entries may remain until they expire";
    warn(invalidationLog, message, null);
    return new InvalidationFailedException(message, cause);
  }

  // ---------------------------------------------------------------- corrupt entries

  /**
   * Handles an entry whose bytes could not be decoded: counts it, logs it (rate-limited) and
   * deletes the key unless it was overwritten meanwhile. The delete is fire and forget: if it fails
   * the corrupt entry stays until its TTL, and keeps reading as a miss.
   *
   * @param key the Redis key
   * @param corrupt the bytes that were read
   * @param reason why they could not be decoded
   */
  public void corruptValue(byte[] key, byte[] corrupt, String reason) {
    corruptValues.increment();
    warn(
        corruptLog,
        "Redis cache '"
            + cacheName
            + "': corrupt entry "
            + printable(key)
            + " ("
            + corrupt.length
            + " bytes) read as a miss and deleted: "
            + reason,
        null);
    withTimeout(
        () ->
            commands.<Long>eval(
                DELETE_IF_UNCHANGED, ScriptOutputType.INTEGER, new byte[][] {key}, corrupt));
  }

  /**
   * Handles a key of the cache's sub-space that holds another Redis type than a string: counts it
   * and logs it (rate-limited), and leaves it in place. It was not written by a cache, so it is not
   * the cache's to delete.
   */
  private void foreignType(byte[] key) {
    corruptValues.increment();
    warn(
        corruptLog,
        "Redis cache '"
            + cacheName
            + "': key "
            + printable(key)
            + " holds another Redis type than a string; read as a miss and left in place",
        null);
  }

  /**
   * Logs a warning unless the throttle held it back, saying how many were held back since the last
   * one. The cause is logged with its message only (no stack trace).
   */
  private static void warn(LogThrottle throttle, String message, @Nullable Throwable error) {
    if (!throttle.permit()) {
      return;
    }
    long skipped = throttle.takeSuppressed();
    String cause = error == null ? "" : ": " + RedisUris.describe(error);
    if (skipped > 0) {
      LOG.warn("{}{} ({} similar events not logged since the last one)", message, cause, skipped);
    } else {
      LOG.warn("{}{}", message, cause);
    }
  }

  private static String printable(byte[] key) {
    String text =
        new String(key, 0, Math.min(key.length, PRINTED_KEY_CHARS), StandardCharsets.UTF_8);
    return "'"
        + text.replaceAll("\\p{Cntrl}", "?")
        + (key.length > PRINTED_KEY_CHARS ? "...'" : "'");
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * Sends a command and puts the command timeout on its future. A command that cannot even be
   * dispatched (a closed connection, a rejected command) gives a failed future, never a throw.
   */
  private <T> CompletableFuture<T> withTimeout(Supplier<RedisFuture<T>> command) {
    try {
      return command.get().toCompletableFuture().orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean isWrongType(Throwable error) {
    String message = error.getMessage();
    return error instanceof RedisCommandExecutionException
        && message != null
        && message.startsWith("WRONGTYPE");
  }

  /**
   * Returns the reads answered as misses because Redis could not answer.
   *
   * @return the count so far
   */
  public long degradedReads() {
    return degradedReads.sum();
  }

  /**
   * Returns the writes skipped (circuit open, Redis failure or timeout, or not attempted).
   *
   * @return the count so far
   */
  public long skippedWrites() {
    return skippedWrites.sum();
  }

  /**
   * Returns the invalidations that could not reach Redis.
   *
   * @return the count so far
   */
  public long failedInvalidations() {
    return failedInvalidations.sum();
  }

  /**
   * Returns the entries that could not be decoded (deleted) or held another Redis type (left).
   *
   * @return the count so far
   */
  public long corruptValues() {
    return corruptValues.sum();
  }
}
