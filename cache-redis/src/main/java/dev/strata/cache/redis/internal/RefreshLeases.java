package dev.strata.cache.redis.internal;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The refresh leases of early refresh (XFetch): a reader that decides to refresh an entry before it
 * expires first writes itself into the entry's header as its refresh holder (only while the key
 * still holds exactly the bytes it read, so one caller of all processes wins per entry), and its
 * new value lands only while it still is the holder (no put, invalidation, delete or expiry since).
 * Each script touches the entry's own key only. Both degrade like leased fills (Redis unavailable:
 * no refresh). Thread-safe.
 */
public final class RefreshLeases {

  private final LeasedFill leases;
  private final String leaseSha;
  private final String fillSha;
  private final LongAdder granted = new LongAdder();
  private final LongAdder landed = new LongAdder();

  /**
   * Creates the refresh leases of one cache.
   *
   * @param commands the cache's commands, for the scripts' digests
   * @param leases the cache's leased fills, whose breaker and timeout guard these scripts too
   */
  public RefreshLeases(RedisClusterAsyncCommands<byte[], byte[]> commands, LeasedFill leases) {
    this.leases = leases;
    this.leaseSha = commands.digest(LeasedFillScripts.REFRESH_LEASE);
    this.fillSha = commands.digest(LeasedFillScripts.REFRESH_FILL);
  }

  /**
   * Takes the refresh lease of an entry.
   *
   * @param key the Redis key
   * @param stored the bytes just read from it (a refreshable value without a holder)
   * @return a stage completed with the holder to fill with, or null when another caller refreshes
   *     the entry, it changed, or Redis could not answer; never completed exceptionally
   */
  public CompletableFuture<byte @Nullable []> acquire(byte[] key, byte[] stored) {
    byte[] holder = Arrays.copyOf(leases.nonce(), StoredValueFormat.REFRESH_HOLDER_BYTES);
    return leases
        .guarded(
            () ->
                leases.script(
                    leaseSha,
                    LeasedFillScripts.REFRESH_LEASE,
                    ScriptOutputType.INTEGER,
                    key,
                    stored,
                    holder))
        .handle(
            (answer, error) -> {
              if (error != null) {
                leases.warn("an early refresh could not take its lease", error);
                return null;
              }
              if (answer instanceof Long n && n == 1L) {
                granted.increment();
                return holder;
              }
              return null;
            });
  }

  /**
   * Writes a refreshed entry while the caller still holds its refresh lease.
   *
   * @param key the Redis key
   * @param holder what {@link #acquire} returned
   * @param stored the new stored bytes
   * @param ttlMillis the new TTL in milliseconds; 0 or less for none
   * @return a stage completed with whether the value landed; never completed exceptionally
   */
  public CompletableFuture<Boolean> fill(byte[] key, byte[] holder, byte[] stored, long ttlMillis) {
    byte[] ttl = LeasedFill.ascii(Long.toString(Math.max(0, ttlMillis)));
    return leases
        .guarded(
            () ->
                leases.script(
                    fillSha,
                    LeasedFillScripts.REFRESH_FILL,
                    ScriptOutputType.INTEGER,
                    key,
                    holder,
                    stored,
                    ttl))
        .handle(
            (answer, error) -> {
              if (error != null) {
                leases.warn("an early refresh was not written", error);
                return false;
              }
              boolean ok = answer instanceof Long n && n == 1L;
              if (ok) {
                landed.increment();
              }
              return ok;
            });
  }

  /**
   * Returns the refresh leases taken so far (early refreshes started).
   *
   * @return the count
   */
  public long granted() {
    return granted.sum();
  }

  /**
   * Returns the early refreshes whose value landed so far.
   *
   * @return the count
   */
  public long landed() {
    return landed.sum();
  }
}
