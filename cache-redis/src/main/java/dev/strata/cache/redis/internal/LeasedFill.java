package dev.strata.cache.redis.internal;

import dev.strata.cache.redis.InvalidationFailedException;
import dev.strata.redis.LogThrottle;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Version-checked fills with leases, for a cache whose entries several processes fill from a
 * database.
 *
 * <p>A miss takes a lease on the key ({@link #acquire}): a short-lived entry {@code 0xF9 'L'
 * <nonce>:<generation>} stored in the key itself, granted only when the key holds nothing or a
 * tombstone. The load's fill ({@link #fill}) is a script that writes the value only if the key
 * still holds exactly that lease. Every write that supersedes a load replaces the lease: a put
 * writes its value, an invalidation writes a tombstone ({@link #tombstone}), a delete of all
 * entries unlinks it, another node's lease only replaces an expired one. So a fill lands only if no
 * put, invalidation or delete of the key happened since its lease was granted and the lease did not
 * expire; it never overwrites a value, and a negative fill never overwrites one either.
 *
 * <p>Each script touches one key only, so it is valid on a Redis Cluster. The tombstone carries a
 * per-key generation that only grows (the larger of the previous generation plus one and the server
 * clock in microseconds); a lease carries the generation of the tombstone it replaced.
 *
 * <p>Every command goes through the cache's circuit breaker and command timeout. Acquiring and
 * filling degrade (no lease: the caller loads and does not fill; a failed fill is skipped);
 * tombstones fail loudly with {@link InvalidationFailedException}. Thread-safe.
 */
public final class LeasedFill {

  private static final Logger LOG = LoggerFactory.getLogger(LeasedFill.class);

  /** What {@link #acquire} found. */
  public enum Outcome {
    /** This caller holds the lease; {@link Acquired#bytes()} is the lease to fill with. */
    GRANTED,
    /**
     * The key holds an entry; {@link Acquired#bytes()} are its stored bytes, or null when the key
     * holds another Redis type than a string (no lease, no fill).
     */
    FOUND,
    /** Another caller (this process or another) holds the lease. */
    BUSY,
    /** Redis could not answer: load, but do not fill. */
    UNAVAILABLE
  }

  /**
   * The answer of {@link #acquire}.
   *
   * @param outcome what happened
   * @param bytes the lease when granted, the stored bytes when found, else null
   */
  public record Acquired(Outcome outcome, byte @Nullable [] bytes) {}

  private static final Acquired UNAVAILABLE = new Acquired(Outcome.UNAVAILABLE, null);
  private static final Acquired BUSY = new Acquired(Outcome.BUSY, null);
  private static final Acquired FOREIGN_TYPE = new Acquired(Outcome.FOUND, null);

  /** No lease: the entry is not filled (and not counted as a skipped write). */
  public static final Acquired NO_LEASE = BUSY;

  private final RedisClusterAsyncCommands<byte[], byte[]> commands;
  private final CircuitBreaker breaker;
  private final long timeoutNanos;
  private final String cacheName;
  private final byte[] leaseTtlMillis;
  private final byte[] tombstoneTtlMillis;
  private final byte[] channel;
  private final String leaseSha;
  private final String fillSha;
  private final String tombstoneSha;
  private final String releaseSha;
  private final SecureRandom random = new SecureRandom();
  private final LongAdder granted = new LongAdder();
  private final LongAdder busy = new LongAdder();
  private final LongAdder filled = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder failedTombstones = new LongAdder();
  private final LogThrottle log = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle invalidationLog = new LogThrottle(Duration.ofSeconds(1));

  /**
   * Creates the leased fills of one cache.
   *
   * @param commands the asynchronous commands of the cache's connection
   * @param breaker the cache's circuit breaker
   * @param timeout the command timeout
   * @param leaseTtl how long a lease lives: longer than any load, or its fill is rejected
   * @param tombstoneTtl how long a tombstone lives
   * @param channel the lease channel, on which the end of a lease is announced
   * @param cacheName the cache's name, for log messages
   */
  public LeasedFill(
      RedisClusterAsyncCommands<byte[], byte[]> commands,
      CircuitBreaker breaker,
      Duration timeout,
      Duration leaseTtl,
      Duration tombstoneTtl,
      String channel,
      String cacheName) {
    this.commands = commands;
    this.breaker = breaker;
    this.timeoutNanos = timeout.toNanos();
    this.cacheName = cacheName;
    this.leaseTtlMillis = ascii(Long.toString(leaseTtl.toMillis()));
    this.tombstoneTtlMillis = ascii(Long.toString(tombstoneTtl.toMillis()));
    this.channel = channel.getBytes(StandardCharsets.UTF_8);
    this.leaseSha = commands.digest(LeasedFillScripts.LEASE);
    this.fillSha = commands.digest(LeasedFillScripts.FILL);
    this.tombstoneSha = commands.digest(LeasedFillScripts.TOMBSTONE);
    this.releaseSha = commands.digest(LeasedFillScripts.RELEASE);
  }

  /**
   * Takes the fill lease of a key that holds nothing or a tombstone, without waiting (see {@link
   * LeaseWaits} to wait for another caller's lease).
   *
   * @param key the Redis key
   * @return a stage completed with the outcome; never completed exceptionally
   */
  public CompletableFuture<Acquired> acquire(byte[] key) {
    return acquire(key, true);
  }

  CompletableFuture<Acquired> acquire(byte[] key, boolean countBusy) {
    byte[] nonce = nonce();
    return guarded(
            () ->
                script(
                    leaseSha,
                    LeasedFillScripts.LEASE,
                    ScriptOutputType.VALUE,
                    key,
                    nonce,
                    leaseTtlMillis))
        .handle(
            (answer, error) -> {
              if (error == null && answer == null) {
                return FOREIGN_TYPE;
              }
              if (error != null || !(answer instanceof byte[] stored)) {
                if (error != null) {
                  warn("a fill lease could not be taken", error);
                }
                return UNAVAILABLE;
              }
              if (StoredValueFormat.kindOf(stored) != StoredValueFormat.Kind.LEASE) {
                return new Acquired(Outcome.FOUND, stored);
              }
              if (holds(stored, nonce)) {
                granted.increment();
                return new Acquired(Outcome.GRANTED, stored);
              }
              if (countBusy) {
                busy.increment();
              }
              return BUSY;
            });
  }

  /**
   * Takes the fill leases of several keys (one script per key, pipelined).
   *
   * @param keys the Redis keys
   * @return a stage completed with the outcomes in key order; never completed exceptionally
   */
  public CompletableFuture<List<Acquired>> acquireAll(List<byte[]> keys) {
    List<CompletableFuture<Acquired>> each = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      each.add(acquire(key));
    }
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            done -> {
              List<Acquired> result = new ArrayList<>(each.size());
              each.forEach(f -> result.add(f.join()));
              return result;
            });
  }

  /**
   * Writes loaded entries, each only while its key still holds its lease (one script per key,
   * pipelined). Entries without a lease are skipped.
   *
   * @param keys the Redis keys
   * @param leases the lease of each key, by index; null for none
   * @param stored the bytes to store, by index
   * @param ttlMillis the TTL of each entry in milliseconds, by index; 0 or less for none
   * @return a stage completed with the number of fills that landed; never completed exceptionally
   */
  public CompletableFuture<Integer> fill(
      List<byte[]> keys, List<byte @Nullable []> leases, List<byte[]> stored, long[] ttlMillis) {
    List<CompletableFuture<Boolean>> each = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      byte[] lease = leases.get(i);
      if (lease == null) {
        continue;
      }
      byte[] key = keys.get(i);
      byte[] value = stored.get(i);
      byte[] ttl = ascii(Long.toString(Math.max(0, ttlMillis[i])));
      each.add(
          guarded(
                  () ->
                      script(
                          fillSha,
                          LeasedFillScripts.FILL,
                          ScriptOutputType.INTEGER,
                          key,
                          lease,
                          value,
                          ttl,
                          channel))
              .handle(
                  (answer, error) -> {
                    if (error != null) {
                      warn("a fill was skipped", error);
                      return false;
                    }
                    boolean landed = answer instanceof Long n && n == 1L;
                    (landed ? filled : rejected).increment();
                    return landed;
                  }));
    }
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(done -> (int) each.stream().filter(CompletableFuture::join).count());
  }

  /**
   * Gives a lease back without filling, so that the next miss need not wait for it to expire. If
   * that fails, the lease expires by itself.
   *
   * @param key the Redis key
   * @param lease the outcome of {@link #acquire}; nothing is done unless it was granted
   * @return a stage completed when Redis answered or the attempt failed; never completed
   *     exceptionally
   */
  public CompletableFuture<@Nullable Void> release(byte[] key, Acquired lease) {
    byte[] bytes = lease.bytes();
    if (lease.outcome() != Outcome.GRANTED || bytes == null) {
      return CompletableFuture.completedFuture(null);
    }
    return guarded(
            () ->
                script(
                    releaseSha,
                    LeasedFillScripts.RELEASE,
                    ScriptOutputType.INTEGER,
                    key,
                    bytes,
                    channel))
        .handle((answer, error) -> null);
  }

  /**
   * Replaces the entries of keys by tombstones (one script per key, pipelined), so that no fill
   * whose lease was granted before lands afterwards.
   *
   * @param keys the Redis keys; not empty
   * @return a stage completed when Redis confirmed every key, or exceptionally with {@link
   *     InvalidationFailedException}
   */
  public CompletableFuture<Void> tombstone(byte[]... keys) {
    CompletableFuture<?>[] each = new CompletableFuture<?>[keys.length];
    for (int i = 0; i < keys.length; i++) {
      byte[] key = keys[i];
      each[i] =
          guarded(
              () ->
                  script(
                      tombstoneSha,
                      LeasedFillScripts.TOMBSTONE,
                      ScriptOutputType.INTEGER,
                      key,
                      tombstoneTtlMillis,
                      channel));
    }
    return CompletableFuture.allOf(each)
        .handle(
            (ok, error) -> {
              if (error == null) {
                return null;
              }
              Throwable cause = unwrap(error);
              failedTombstones.increment();
              if (cause instanceof InvalidationFailedException failed) {
                throw failed;
              }
              String message =
                  "Redis cache '"
                      + cacheName
                      + "': invalidation of "
                      + keys.length
                      + " key(s) could not reach Redis ("
                      + cause
                      + "); stale entries may remain until they expire";
              if (invalidationLog.permit()) {
                LOG.warn(
                    "{} ({} similar events not logged since the last one)",
                    message,
                    invalidationLog.takeSuppressed());
              }
              throw new InvalidationFailedException(message, cause);
            });
  }

  /**
   * Returns the leases granted so far.
   *
   * @return the count
   */
  public long leasesGranted() {
    return granted.sum();
  }

  /**
   * Returns the misses that found another caller's lease so far.
   *
   * @return the count
   */
  public long leasesBusy() {
    return busy.sum();
  }

  /**
   * Returns the invalidations whose tombstones could not be written so far.
   *
   * @return the count
   */
  public long failedTombstones() {
    return failedTombstones.sum();
  }

  /**
   * Returns the fills that landed so far.
   *
   * @return the count
   */
  public long fillsLanded() {
    return filled.sum();
  }

  /**
   * Returns the fills rejected as stale so far (their lease expired or was superseded).
   *
   * @return the count
   */
  public long fillsRejected() {
    return rejected.sum();
  }

  // ---------------------------------------------------------------- plumbing

  private static boolean holds(byte[] lease, byte[] nonce) {
    if (lease.length < StoredValueFormat.HEADER_BYTES + nonce.length) {
      return false;
    }
    for (int i = 0; i < nonce.length; i++) {
      if (lease[StoredValueFormat.HEADER_BYTES + i] != nonce[i]) {
        return false;
      }
    }
    return true;
  }

  byte[] nonce() {
    byte[] raw = new byte[8];
    random.nextBytes(raw);
    return ascii(HexFormat.of().formatHex(raw));
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Runs a script by digest, loading it with EVAL when the server does not know it yet. */
  CompletableFuture<Object> script(
      String sha, String script, ScriptOutputType type, byte[] key, byte[]... args) {
    byte[][] keys = {key};
    return commands
        .<Object>evalsha(sha, type, keys, args)
        .toCompletableFuture()
        .handle(
            (answer, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(answer);
              }
              if (unwrap(error) instanceof RedisNoScriptException) {
                return commands.<Object>eval(script, type, keys, args).toCompletableFuture();
              }
              return CompletableFuture.<Object>failedFuture(unwrap(error));
            })
        .thenCompose(f -> f);
  }

  /** Runs a command behind the circuit breaker, failing after the command timeout. */
  CompletableFuture<Object> guarded(Supplier<CompletableFuture<Object>> command) {
    if (!breaker.tryAcquirePermission()) {
      return CompletableFuture.failedFuture(
          new InvalidationFailedException(
              "Redis cache '"
                  + cacheName
                  + "': could not reach Redis (circuit breaker open); stale entries may remain"
                  + " until they expire",
              null));
    }
    long start = System.nanoTime();
    CompletableFuture<Object> future;
    try {
      future = command.get().orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    return future.whenComplete(
        (answer, error) -> {
          if (error == null) {
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          } else {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, unwrap(error));
          }
        });
  }

  void warn(String what, Throwable error) {
    if (log.permit()) {
      long skipped = log.takeSuppressed();
      LOG.warn(
          "Redis cache '{}': {}: {} ({} similar events not logged since the last one)",
          cacheName,
          what,
          unwrap(error).toString(),
          skipped);
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
}
