package dev.strata.session;

import dev.strata.session.internal.LoadedHash;
import dev.strata.session.internal.PrincipalIndex;
import dev.strata.session.internal.RedisCalls;
import dev.strata.session.internal.SessionCounters;
import dev.strata.session.internal.SessionIdFingerprint;
import dev.strata.session.internal.SessionIdGenerator;
import dev.strata.session.internal.SessionKeys;
import dev.strata.session.internal.SessionScript;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes sessions: the delta save script (which also keeps the principal index on a standalone
 * Redis), the follow-up index step in a cluster, and id changes.
 *
 * <p>Thread-safe.
 */
final class SessionWriter {

  private static final Logger LOG = LoggerFactory.getLogger(SessionWriter.class);
  private static final byte[] ZERO = {'0'};
  private static final byte[] ONE = {'1'};
  private static final byte[] TWO = {'2'};
  private static final byte[] EMPTY = {};

  private final SessionKeys keys;
  private final SessionSettings settings;
  private final RedisCalls calls;
  private final PrincipalIndex index;
  private final SessionCounters counters;
  private final Clock clock;
  private final SessionIdGenerator ids;
  private final boolean cluster;
  private final boolean rotateIdOnLogin;
  private final byte[] maxSessionBytesArg;
  private final byte[] capArg;
  private final byte[] sessionKeyPrefixArg;
  private final byte[] lifetimeArg;

  SessionWriter(
      SessionKeys keys,
      SessionSettings settings,
      RedisCalls calls,
      PrincipalIndex index,
      SessionCounters counters,
      Clock clock,
      SessionIdGenerator ids,
      boolean cluster,
      boolean rotateIdOnLogin) {
    this.keys = keys;
    this.settings = settings;
    this.calls = calls;
    this.index = index;
    this.counters = counters;
    this.clock = clock;
    this.ids = ids;
    this.cluster = cluster;
    this.rotateIdOnLogin = rotateIdOnLogin;
    this.maxSessionBytesArg = ascii(settings.maxSessionBytes());
    this.capArg = ascii(index.cap());
    this.sessionKeyPrefixArg = keys.sessionKeyPrefix().getBytes(StandardCharsets.UTF_8);
    this.lifetimeArg = ascii(index.maxLifetimeMillis());
  }

  /**
   * Saves what changed; see {@link SessionStore#save}.
   *
   * @param s the session
   * @return false if the session is gone from the store
   */
  boolean save(StoredSession s) {
    if (!s.isDirty()) {
      return true;
    }
    long start = System.nanoTime();
    if (rotateIdOnLogin && !s.isNew() && s.principalChanged() && s.getPrincipal() != null) {
      if (!rename(s)) {
        return false;
      }
    }
    long now = clock.millis();
    String principal = s.getPrincipal();
    String oldPrincipal = s.savedPrincipal();
    boolean principalChanged = s.principalChanged();
    List<String> scriptKeys = new ArrayList<>(3);
    scriptKeys.add(keys.session(s.getId()));
    String flags = "";
    if (principalChanged && index.atomic()) {
      if (principal != null) {
        scriptKeys.add(keys.principal(principal));
        flags = "N";
      }
      if (oldPrincipal != null) {
        scriptKeys.add(keys.principal(oldPrincipal));
        flags += "O";
      }
    }
    Map<String, byte[]> sets = s.pendingSets();
    Set<String> removals = s.pendingRemovals();
    byte[][] args = new byte[SessionScript.SAVE_FIXED_ARGS + sets.size() * 2 + removals.size()][];
    args[0] = ascii(now);
    args[1] = s.isNew() ? ONE : ZERO;
    args[2] = ascii(s.creationMillis());
    args[3] = ascii(s.absoluteExpiryMillis());
    args[4] = s.isNew() || s.idleChanged() ? ascii(s.idleMillis()) : EMPTY;
    args[5] = maxSessionBytesArg;
    args[6] = !principalChanged ? ZERO : principal != null ? ONE : TWO;
    args[7] = principal != null ? principal.getBytes(StandardCharsets.UTF_8) : EMPTY;
    args[8] = flags.getBytes(StandardCharsets.US_ASCII);
    args[9] = capArg;
    args[10] = sessionKeyPrefixArg;
    args[11] = lifetimeArg;
    args[12] = s.getId().getBytes(StandardCharsets.US_ASCII);
    args[13] = ascii(sets.size());
    int i = SessionScript.SAVE_FIXED_ARGS;
    for (Map.Entry<String, byte[]> e : sets.entrySet()) {
      args[i++] = attributeField(e.getKey());
      args[i++] = e.getValue();
    }
    for (String name : removals) {
      args[i++] = attributeField(name);
    }
    Long result =
        calls.runScript(
            SessionScript.SAVE, ScriptOutputType.INTEGER, scriptKeys.toArray(new String[0]), args);
    if (result == -1L) {
      throw new IllegalStateException(
          "a session with id fingerprint "
              + SessionIdFingerprint.of(s.getId())
              + " already exists; a new session must not be saved twice by separate objects");
    }
    if (result == -2L) {
      counters.sizeLimitRejections.increment();
      throw new SessionLimitExceededException(
          "saving session "
              + SessionIdFingerprint.of(s.getId())
              + " would make its stored attributes exceed maxSessionBytes "
              + settings.maxSessionBytes()
              + " (counting what concurrent requests stored); nothing was written");
    }
    if (result == 0L) {
      LOG.debug(
          "session {} was gone when saving; nothing written", SessionIdFingerprint.of(s.getId()));
      return false;
    }
    boolean wasNew = s.isNew();
    s.markSaved(now);
    counters.saves.increment();
    counters.saveNanos.add(System.nanoTime() - start);
    counters.evicted.add(result - 1);
    if (wasNew) {
      counters.created.increment();
    }
    if (principalChanged && !index.atomic()) {
      index.afterSave(s.getId(), oldPrincipal, principal, now);
    }
    return true;
  }

  /**
   * Renames a stored session and adopts the new id as soon as the rename succeeded.
   *
   * @param s the session, saved before
   * @return false if the session is gone from the store
   */
  boolean rename(StoredSession s) {
    String oldId = s.getId();
    String newId = cluster ? ids.generateInSlot(SessionIdGenerator.slotOf(oldId)) : ids.generate();
    long now = clock.millis();
    Long result =
        calls.runScript(
            SessionScript.RENAME,
            ScriptOutputType.INTEGER,
            new String[] {keys.session(oldId), keys.session(newId)},
            ascii(now));
    if (result == -1L) {
      throw new IllegalStateException("a freshly drawn session id is already taken; retry");
    }
    if (result != 1L) {
      return false;
    }
    s.setId(newId);
    String principal = s.savedPrincipal();
    if (principal != null) {
      index.afterRename(principal, oldId, newId, now);
    }
    return true;
  }

  static byte[] ascii(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] attributeField(String name) {
    return (LoadedHash.ATTRIBUTE_FIELD_PREFIX + name).getBytes(StandardCharsets.UTF_8);
  }
}
