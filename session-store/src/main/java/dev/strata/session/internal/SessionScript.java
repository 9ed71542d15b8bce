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
   * Loads metadata-checked session data and slides the idle expiry. KEYS[1] session key, ARGV[1]
   * now (epoch millis). Returns {} if absent or unreadable, {'expired'} if past its idle timeout or
   * absolute expiry, else the full HGETALL reply as it was before the touch.
   */
  public static final SessionScript LOAD =
      of(
          "load",
          """
          local h = redis.call('HGETALL', KEYS[1])
          if #h == 0 then return {} end
          local accessed, idle, expires
          for i = 1, #h, 2 do
            local f = h[i]
            if f == 'accessed' then accessed = tonumber(h[i + 1])
            elseif f == 'idle' then idle = tonumber(h[i + 1])
            elseif f == 'expires' then expires = tonumber(h[i + 1]) end
          end
          if not accessed or not idle or not expires then return {} end
          local now = tonumber(ARGV[1])
          if now >= accessed + idle or now >= expires then return {'expired'} end
          redis.call('HSET', KEYS[1], 'accessed', ARGV[1])
          redis.call('PEXPIRE', KEYS[1], math.max(1, math.min(now + idle, expires) - now))
          return h
          """);

  /**
   * Writes a delta. KEYS[1] session key; ARGV: now, isNew ('1'/'0'), created, idle ('' =
   * unchanged), absolute expiry, number of set pairs n, n field/value pairs, then fields to delete.
   * Returns 1 when written, 0 when the session is gone or expired (nothing written), -1 when a new
   * session's key already exists (nothing written).
   */
  public static final SessionScript SAVE =
      of(
          "save",
          """
          local key = KEYS[1]
          local now = tonumber(ARGV[1])
          local idle, expires
          if ARGV[2] == '1' then
            if redis.call('EXISTS', key) == 1 then return -1 end
            idle = tonumber(ARGV[4])
            expires = tonumber(ARGV[5])
            redis.call('HSET', key, 'created', ARGV[3], 'accessed', ARGV[1], 'idle', ARGV[4],
              'expires', ARGV[5])
          else
            local m = redis.call('HMGET', key, 'accessed', 'idle', 'expires')
            if not m[1] or not m[2] or not m[3] then return 0 end
            idle = tonumber(m[2])
            expires = tonumber(m[3])
            if now >= tonumber(m[1]) + idle or now >= expires then return 0 end
            if ARGV[4] ~= '' then
              idle = tonumber(ARGV[4])
              redis.call('HSET', key, 'accessed', ARGV[1], 'idle', ARGV[4])
            else
              redis.call('HSET', key, 'accessed', ARGV[1])
            end
          end
          local first = 7
          local last = first + 2 * tonumber(ARGV[6]) - 1
          for i = first, last, 1000 do
            redis.call('HSET', key, unpack(ARGV, i, math.min(i + 999, last)))
          end
          for i = last + 1, #ARGV, 1000 do
            redis.call('HDEL', key, unpack(ARGV, i, math.min(i + 999, #ARGV)))
          end
          redis.call('PEXPIRE', key, math.max(1, math.min(now + idle, expires) - now))
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
