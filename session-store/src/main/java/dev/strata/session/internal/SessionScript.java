package dev.strata.session.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script of the session store with its SHA-1 digest, for EVALSHA with an EVAL fallback.
 *
 * <p>Every time-to-live is computed inside the scripts from the idle timeout and absolute expiry
 * stored in the session hash, never from a request's possibly stale copy, so a concurrent request
 * cannot shorten a session's life. Hash fields: {@code created}, {@code accessed}, {@code idle},
 * {@code expires} (epoch millis or millis), {@code bytes} (the encoded size of all attributes),
 * {@code principal}, and {@code a:<name>} per attribute.
 *
 * @param name a short name for error messages
 * @param body the Lua source
 * @param sha1 the lower-case hex SHA-1 of the source
 */
public record SessionScript(String name, String body, String sha1) {

  /** Lua helpers shared by the scripts (prepended to their bodies). */
  private static final String PRELUDE =
      """
      local function live(m, now)
        local a, i, e = tonumber(m[1]), tonumber(m[2]), tonumber(m[3])
        return a ~= nil and i ~= nil and e ~= nil and now < a + i and now < e
      end
      """;

  /**
   * Loads a session and, if it is live by its stored timestamps, records the access and slides its
   * idle expiry, in one step. KEYS[1] session key, ARGV[1] now (epoch millis). Returns the hash as
   * HGETALL does (empty if there is no session); the caller judges liveness again from it.
   */
  public static final SessionScript LOAD =
      of(
          "load",
          """
          local h = redis.call('HGETALL', KEYS[1])
          local a, i, e
          for k = 1, #h, 2 do
            local f = h[k]
            if f == 'accessed' then a = tonumber(h[k + 1])
            elseif f == 'idle' then i = tonumber(h[k + 1])
            elseif f == 'expires' then e = tonumber(h[k + 1]) end
          end
          local now = tonumber(ARGV[1])
          if a ~= nil and i ~= nil and e ~= nil and now < a + i and now < e then
            redis.call('HSET', KEYS[1], 'accessed', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], string.format('%d', math.min(now + i, e) - now))
          end
          return h
          """);

  /** Index of the first attribute field in the SAVE script's ARGV (Lua, 1-based). */
  public static final int SAVE_FIXED_ARGS = 14;

  /**
   * Writes a delta. KEYS[1] session key; with in-script indexing (standalone Redis) KEYS[2] the new
   * principal's index and KEYS[#KEYS] the old principal's index, as ARGV[9] says.
   *
   * <p>ARGV: 1 now, 2 isNew ('1'/'0'), 3 created, 4 absolute expiry, 5 idle timeout ('' keeps the
   * stored one), 6 maxSessionBytes, 7 principal change ('0' none, '1' set, '2' clear), 8 principal,
   * 9 index flags ('N' add to KEYS[2], 'O' remove from KEYS[#KEYS]), 10 per-principal cap (0 none),
   * 11 session key prefix (key = prefix .. id .. '}'), 12 index time-to-live, 13 session id, 14
   * number n of set pairs, then n field/value pairs, then fields to delete.
   *
   * <p>An existing session is written only if it is still live by its stored timestamps, so a
   * session that expired or was invalidated is never resurrected. The stored attribute size is
   * checked against maxSessionBytes with the sizes of the fields really replaced, so concurrent
   * requests cannot together grow a session past it. Returns 1 plus the number of sessions evicted
   * by the cap when written, 0 when the session is gone, -1 when a new session's key already
   * exists, -2 when the write would exceed maxSessionBytes (nothing written in these three cases).
   */
  public static final SessionScript SAVE =
      of(
          "save",
          PRELUDE
              + """
              local function storedBytes(key, field)
                local n = redis.call('HSTRLEN', key, field)
                if n > 0 then return n + #field end
                return 0
              end
              local function attributeBytes(key)
                local all = redis.call('HGETALL', key)
                local total = 0
                for i = 1, #all, 2 do
                  if string.sub(all[i], 1, 2) == 'a:' then total = total + #all[i] + #all[i + 1] end
                end
                return total
              end
              local function trim(index, principal, cap, now, prefix)
                if cap <= 0 then return 0 end
                local members = redis.call('ZRANGE', index, 0, -1)
                local alive = {}
                for _, id in ipairs(members) do
                  local m = redis.call('HMGET', prefix .. id .. '}', 'accessed', 'idle', 'expires',
                    'principal')
                  if live(m, now) and m[4] == principal then
                    alive[#alive + 1] = id
                  else
                    redis.call('ZREM', index, id)
                  end
                end
                local evicted = 0
                for i = 1, #alive - cap do
                  redis.call('UNLINK', prefix .. alive[i] .. '}')
                  redis.call('ZREM', index, alive[i])
                  evicted = evicted + 1
                end
                return evicted
              end
              local key = KEYS[1]
              local now = tonumber(ARGV[1])
              local idle, expires, size
              if ARGV[2] == '1' then
                if redis.call('EXISTS', key) == 1 then return -1 end
                idle = tonumber(ARGV[5])
                expires = tonumber(ARGV[4])
                size = 0
              else
                local m = redis.call('HMGET', key, 'accessed', 'idle', 'expires', 'bytes')
                if not live(m, now) then return 0 end
                idle = tonumber(m[2])
                expires = tonumber(m[3])
                if ARGV[5] ~= '' then idle = tonumber(ARGV[5]) end
                size = tonumber(m[4])
                if size == nil then size = attributeBytes(key) end
              end
              local first = 15
              local last = first + 2 * tonumber(ARGV[14]) - 1
              local delta = 0
              for i = first, last, 2 do
                delta = delta + #ARGV[i] + #ARGV[i + 1] - storedBytes(key, ARGV[i])
              end
              for i = last + 1, #ARGV do
                delta = delta - storedBytes(key, ARGV[i])
              end
              if delta > 0 and size + delta > tonumber(ARGV[6]) then return -2 end
              -- Index commands first: if one fails (a wrong key type) nothing has been written yet.
              if string.find(ARGV[9], 'O', 1, true) then
                redis.call('ZREM', KEYS[#KEYS], ARGV[13])
              end
              local adding = string.find(ARGV[9], 'N', 1, true)
              if adding then
                redis.call('ZADD', KEYS[2], ARGV[1], ARGV[13])
                redis.call('PEXPIRE', KEYS[2], ARGV[12])
              end
              if ARGV[2] == '1' then
                redis.call('HSET', key, 'created', ARGV[3], 'expires', ARGV[4], 'idle', ARGV[5])
              elseif ARGV[5] ~= '' then
                redis.call('HSET', key, 'idle', ARGV[5])
              end
              redis.call('HSET', key, 'accessed', ARGV[1], 'bytes', string.format('%d', size + delta))
              if ARGV[7] == '1' then
                redis.call('HSET', key, 'principal', ARGV[8])
              elseif ARGV[7] == '2' then
                redis.call('HDEL', key, 'principal')
              end
              for i = first, last, 1000 do
                redis.call('HSET', key, unpack(ARGV, i, math.min(i + 999, last)))
              end
              for i = last + 1, #ARGV, 1000 do
                redis.call('HDEL', key, unpack(ARGV, i, math.min(i + 999, #ARGV)))
              end
              local ttl = math.min(now + idle, expires) - now
              if ttl < 1 then ttl = 1 end
              redis.call('PEXPIRE', key, string.format('%d', ttl))
              local evicted = 0
              if adding then
                evicted = trim(KEYS[2], ARGV[8], tonumber(ARGV[10]), now, ARGV[11])
              end
              return 1 + evicted
              """);

  /**
   * Renames a live session atomically (both keys share a cluster slot). KEYS[1] old key, KEYS[2]
   * new key, ARGV[1] now. Returns 1 when renamed, 0 when the old session is gone or expired, -1
   * when the new key exists.
   */
  public static final SessionScript RENAME =
      of(
          "rename",
          PRELUDE
              + """
              if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
              local m = redis.call('HMGET', KEYS[1], 'accessed', 'idle', 'expires')
              if not live(m, tonumber(ARGV[1])) then return 0 end
              redis.call('RENAME', KEYS[1], KEYS[2])
              return 1
              """);

  /**
   * Reports whether a session is live and belongs to a principal, without touching it. KEYS[1]
   * session key, ARGV[1] now, ARGV[2] principal. Returns 1 if so, 0 otherwise.
   */
  public static final SessionScript IS_LIVE =
      of(
          "isLive",
          PRELUDE
              + """
              local m = redis.call('HMGET', KEYS[1], 'accessed', 'idle', 'expires', 'principal')
              if live(m, tonumber(ARGV[1])) and m[4] == ARGV[2] then return 1 end
              return 0
              """);

  /**
   * Deletes a session if its principal field equals ARGV[1]. KEYS[1] session key. Returns 1 if
   * deleted, else 0.
   */
  public static final SessionScript DELETE_IF_PRINCIPAL =
      of(
          "deleteIfPrincipal",
          """
          if redis.call('HGET', KEYS[1], 'principal') == ARGV[1] then
            return redis.call('UNLINK', KEYS[1])
          end
          return 0
          """);

  /**
   * Deletes every session of a principal and its index in one step (standalone Redis only: the
   * session keys are not declared). KEYS[1] index; ARGV[1] session key prefix, ARGV[2] principal.
   * Only sessions whose principal field matches are deleted. Returns how many were deleted.
   */
  public static final SessionScript DELETE_ALL_OF_PRINCIPAL =
      of(
          "deleteAllOfPrincipal",
          """
          local members = redis.call('ZRANGE', KEYS[1], 0, -1)
          local n = 0
          for _, id in ipairs(members) do
            local k = ARGV[1] .. id .. '}'
            if redis.call('HGET', k, 'principal') == ARGV[2] then
              redis.call('UNLINK', k)
              n = n + 1
            end
          end
          redis.call('UNLINK', KEYS[1])
          return n
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
