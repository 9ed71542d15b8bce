package dev.strata.session.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script of the session store with its SHA-1 digest, for EVALSHA with an EVAL fallback.
 *
 * @param name a short name for error messages
 * @param body the Lua source
 * @param sha1 the lower-case hex SHA-1 of the source
 */
public record SessionScript(String name, String body, String sha1) {

  /**
   * Slides the idle expiry of a session the caller has just read and found live. KEYS[1] session
   * key, ARGV[1] now (epoch millis), ARGV[2] the new time-to-live in millis. Writes nothing if the
   * key is gone (PEXPIRE answers 0), so it never recreates a session. Returns 1 if touched, else 0.
   */
  public static final SessionScript TOUCH =
      of(
          "touch",
          """
          if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 0 then return 0 end
          redis.call('HSET', KEYS[1], 'accessed', ARGV[1])
          return 1
          """);

  /**
   * Writes a delta. KEYS[1] session key; ARGV: now, isNew ('1'/'0'), created, time-to-live in
   * millis, absolute expiry, idle timeout, number of set pairs n, n field/value pairs, then fields
   * to delete. An existing session is only written if it still exists (PEXPIRE answers 1), so a
   * session that expired or was invalidated is never resurrected. Returns 1 when written, 0 when
   * the session is gone (nothing written), -1 when a new session's key already exists (nothing
   * written).
   */
  public static final SessionScript SAVE =
      of(
          "save",
          """
          local key = KEYS[1]
          local first = 8
          local last = first + 2 * tonumber(ARGV[7]) - 1
          local chunk = math.min(last, first + 999)
          if ARGV[2] == '1' then
            if redis.call('EXISTS', key) == 1 then return -1 end
            redis.call('HSET', key, 'created', ARGV[3], 'accessed', ARGV[1], 'idle', ARGV[6],
              'expires', ARGV[5], unpack(ARGV, first, chunk))
            redis.call('PEXPIRE', key, ARGV[4])
          else
            if redis.call('PEXPIRE', key, ARGV[4]) == 0 then return 0 end
            redis.call('HSET', key, 'accessed', ARGV[1], unpack(ARGV, first, chunk))
          end
          for i = chunk + 1, last, 1000 do
            redis.call('HSET', key, unpack(ARGV, i, math.min(i + 999, last)))
          end
          for i = last + 1, #ARGV, 1000 do
            redis.call('HDEL', key, unpack(ARGV, i, math.min(i + 999, #ARGV)))
          end
          return 1
          """);

  /**
   * Renames a live session atomically (both keys share a cluster slot). KEYS[1] old key, KEYS[2]
   * new key, ARGV[1] now. Returns 1 when renamed, 0 when the old session is gone or expired, -1
   * when the new key exists.
   */
  public static final SessionScript RENAME =
      of(
          "rename",
          """
          if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
          local m = redis.call('HMGET', KEYS[1], 'accessed', 'idle', 'expires')
          if not m[1] or not m[2] or not m[3] then return 0 end
          local now = tonumber(ARGV[1])
          if now >= tonumber(m[1]) + tonumber(m[2]) or now >= tonumber(m[3]) then return 0 end
          redis.call('RENAME', KEYS[1], KEYS[2])
          return 1
          """);

  /**
   * Reports whether a session is live without touching it. KEYS[1] session key, ARGV[1] now.
   * Returns 1 if live, 0 otherwise.
   */
  public static final SessionScript IS_LIVE =
      of(
          "isLive",
          """
          local m = redis.call('HMGET', KEYS[1], 'accessed', 'idle', 'expires')
          if not m[1] or not m[2] or not m[3] then return 0 end
          local now = tonumber(ARGV[1])
          if now >= tonumber(m[1]) + tonumber(m[2]) or now >= tonumber(m[3]) then return 0 end
          return 1
          """);

  private static SessionScript of(String name, String body) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8));
      return new SessionScript(name, body, HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every Java platform", e);
    }
  }
}
