package dev.strata.session.internal;

import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index of sessions by principal: one sorted set per principal of session ids scored by the
 * time the principal was set (login time), so the newest logins sort last. An entry counts only
 * while its session is live and its {@code principal} field still names the principal.
 *
 * <p>On a standalone Redis ({@code atomic}) the save script updates the index and enforces the cap
 * in the same step, and "delete all of a principal" is one script. In a Redis Cluster the index and
 * the sessions live in different slots, so this class does it in steps after the session was
 * written: add to the index, then read it and keep the {@code cap} newest live entries (by score,
 * then id). Every login does that read after its own add, so once the logins in flight have
 * finished exactly the newest {@code cap} survive whatever the interleaving. Deleting all sessions
 * of a principal removes only the entries it read, so a login indexed meanwhile stays indexed.
 *
 * <p>Thread-safe.
 */
public final class PrincipalIndex {

  private static final Logger LOG = LoggerFactory.getLogger(PrincipalIndex.class);

  private final RedisCalls calls;
  private final SessionKeys keys;
  private final boolean atomic;
  private final int cap;
  private final long maxLifetimeMillis;
  private final SessionCounters counters;

  /**
   * Creates the index.
   *
   * @param calls how to reach Redis
   * @param keys the key layout
   * @param atomic true on a standalone Redis, where scripts may touch the index and the sessions
   * @param cap the per-principal cap, 0 for none
   * @param maxLifetimeMillis the sessions' absolute lifetime (an entry older is dead)
   * @param counters where evictions and invalidations are counted
   */
  public PrincipalIndex(
      RedisCalls calls,
      SessionKeys keys,
      boolean atomic,
      int cap,
      long maxLifetimeMillis,
      SessionCounters counters) {
    this.calls = calls;
    this.keys = keys;
    this.atomic = atomic;
    this.cap = cap;
    this.maxLifetimeMillis = maxLifetimeMillis;
    this.counters = counters;
  }

  /**
   * Tells whether the save script maintains the index itself.
   *
   * @return true on a standalone Redis
   */
  public boolean atomic() {
    return atomic;
  }

  /**
   * Returns the per-principal cap.
   *
   * @return the cap, 0 for none
   */
  public int cap() {
    return cap;
  }

  /**
   * Returns how long an index key lives after its latest addition.
   *
   * @return the sessions' absolute lifetime in millis
   */
  public long maxLifetimeMillis() {
    return maxLifetimeMillis;
  }

  /**
   * Updates the index after a save that changed a session's principal (cluster mode only; in
   * standalone mode the save script did it). Removes the id from the old principal's index, adds it
   * to the new one's, and enforces the cap.
   *
   * @param id the session id
   * @param oldPrincipal the principal before the save, or null
   * @param newPrincipal the principal after the save, or null
   * @param now epoch millis of the save
   */
  public void afterSave(
      String id, @Nullable String oldPrincipal, @Nullable String newPrincipal, long now) {
    RedisClusterAsyncCommands<String, byte[]> c = calls.commands();
    byte[] member = ascii(id);
    List<RedisFuture<?>> updates = new ArrayList<>(3);
    if (oldPrincipal != null) {
      updates.add(c.zrem(keys.principal(oldPrincipal), member));
    }
    if (newPrincipal != null) {
      String key = keys.principal(newPrincipal);
      updates.add(c.zadd(key, (double) now, member));
      updates.add(c.pexpire(key, maxLifetimeMillis));
    }
    calls.awaitAll(updates, "principal index update");
    if (newPrincipal != null && cap > 0) {
      List<String> live = find(newPrincipal, now);
      for (int i = 0; i < live.size() - cap; i++) {
        evict(newPrincipal, live.get(i));
      }
    }
  }

  /**
   * Moves a renamed session's entry to its new id. A failure is logged and counted but not thrown:
   * the rename has happened and the caller must adopt the new id; the entry is then missing until
   * the session next changes its principal (a bound stated in the documentation).
   *
   * @param principal the session's principal
   * @param oldId the id before the rename
   * @param newId the id after it
   * @param now epoch millis
   */
  public void afterRename(String principal, String oldId, String newId, long now) {
    RedisClusterAsyncCommands<String, byte[]> c = calls.commands();
    String key = keys.principal(principal);
    List<RedisFuture<?>> updates = new ArrayList<>(3);
    try {
      updates.add(c.zadd(key, (double) now, ascii(newId)));
      updates.add(c.zrem(key, ascii(oldId)));
      updates.add(c.pexpire(key, maxLifetimeMillis));
      calls.awaitAll(updates, "principal index update after an id change");
    } catch (RuntimeException e) {
      updates.forEach(f -> f.cancel(true));
      LOG.warn(
          "the principal index could not follow an id change of session {}; the session keeps"
              + " its new id: {}",
          SessionIdFingerprint.of(newId),
          e.getMessage());
    }
  }

  /**
   * Returns the live sessions of a principal, oldest login first, and prunes dead entries.
   *
   * @param principal the principal
   * @param now epoch millis
   * @return the ids
   */
  public List<String> find(String principal, long now) {
    RedisClusterAsyncCommands<String, byte[]> c = calls.commands();
    String key = keys.principal(principal);
    RedisFuture<Long> pruned =
        c.zremrangebyscore(
            key, Range.create(Double.NEGATIVE_INFINITY, (double) (now - maxLifetimeMillis)));
    RedisFuture<List<byte[]>> members = c.zrange(key, 0, -1);
    calls.await(pruned, "principal index prune");
    List<byte[]> candidates = calls.await(members, "principal index read");
    byte[] nowArg = ascii(Long.toString(now));
    byte[] principalArg = principal.getBytes(StandardCharsets.UTF_8);
    List<RedisFuture<Long>> checks = new ArrayList<>(candidates.size());
    for (byte[] member : candidates) {
      String id = new String(member, StandardCharsets.US_ASCII);
      checks.add(
          SessionIdGenerator.isWellFormed(id)
              ? calls.evalsha(
                  SessionScript.IS_LIVE,
                  ScriptOutputType.INTEGER,
                  new String[] {keys.session(id)},
                  nowArg,
                  principalArg)
              : null);
    }
    List<String> live = new ArrayList<>(candidates.size());
    List<byte[]> dead = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      RedisFuture<Long> check = checks.get(i);
      String id = new String(candidates.get(i), StandardCharsets.US_ASCII);
      boolean isLive =
          check != null
              && calls.<Long>awaitScript(
                      check,
                      SessionScript.IS_LIVE,
                      ScriptOutputType.INTEGER,
                      new String[] {keys.session(id)},
                      nowArg,
                      principalArg)
                  == 1L;
      if (isLive) {
        live.add(id);
      } else {
        dead.add(candidates.get(i));
      }
    }
    if (!dead.isEmpty()) {
      calls.await(c.zrem(key, dead.toArray(new byte[0][])), "principal index prune");
    }
    return live;
  }

  /**
   * Deletes every session of a principal.
   *
   * @param principal the principal
   * @return how many sessions were deleted
   */
  public int invalidateAll(String principal) {
    String key = keys.principal(principal);
    byte[] principalArg = principal.getBytes(StandardCharsets.UTF_8);
    if (atomic) {
      Long n =
          calls.runScript(
              SessionScript.DELETE_ALL_OF_PRINCIPAL,
              ScriptOutputType.INTEGER,
              new String[] {key},
              keys.sessionKeyPrefix().getBytes(StandardCharsets.UTF_8),
              principalArg);
      counters.invalidated.add(n);
      return n.intValue();
    }
    List<byte[]> members = calls.await(calls.commands().zrange(key, 0, -1), "principal index read");
    int count = 0;
    List<byte[]> removed = new ArrayList<>(members.size());
    for (byte[] member : members) {
      String id = new String(member, StandardCharsets.US_ASCII);
      removed.add(member);
      if (SessionIdGenerator.isWellFormed(id) && deleteIfOwned(id, principalArg)) {
        count++;
      }
    }
    if (!removed.isEmpty()) {
      calls.await(
          calls.commands().zrem(key, removed.toArray(new byte[0][])), "principal index prune");
    }
    counters.invalidated.add(count);
    return count;
  }

  private void evict(String principal, String id) {
    if (deleteIfOwned(id, principal.getBytes(StandardCharsets.UTF_8))) {
      counters.evicted.increment();
    }
    calls.await(
        calls.commands().zrem(keys.principal(principal), ascii(id)),
        "evict session over the per-principal cap");
  }

  private boolean deleteIfOwned(String id, byte[] principal) {
    Long deleted =
        calls.runScript(
            SessionScript.DELETE_IF_PRINCIPAL,
            ScriptOutputType.INTEGER,
            new String[] {keys.session(id)},
            principal);
    return deleted == 1L;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
