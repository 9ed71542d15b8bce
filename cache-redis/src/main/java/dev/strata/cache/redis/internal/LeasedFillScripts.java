package dev.strata.cache.redis.internal;

/**
 * The Lua scripts of version-checked fills. Each script touches exactly one key (the entry's own
 * key), so it runs on a Redis Cluster whatever the key's slot: the lease and the tombstone live in
 * the entry's key itself, framed like values by {@link StoredValueFormat}.
 *
 * <p>{@code \249} is the Lua escape of byte {@code 0xF9}, the format byte of every entry.
 */
final class LeasedFillScripts {

  /**
   * Takes a lease on a key that holds nothing or a tombstone. KEYS[1] the key, ARGV[1] the lease
   * nonce, ARGV[2] the lease TTL in milliseconds. Returns the lease now stored (granted when it
   * carries ARGV[1]), or whatever else the key holds (a value, a negative entry, another node's
   * lease): in that case nothing is written. Returns nil, writing nothing, when the key holds
   * another Redis type (it is not the cache's to replace).
   */
  static final String LEASE =
      "local v = redis.pcall('GET', KEYS[1])\n"
          + "if type(v) == 'table' then return false end\n"
          + "local gen = '0'\n"
          + "if v then\n"
          + "  if string.sub(v, 1, 2) ~= '\\249T' then return v end\n"
          + "  gen = string.sub(v, 3)\n"
          + "end\n"
          + "local lease = '\\249L' .. ARGV[1] .. ':' .. gen\n"
          + "redis.call('SET', KEYS[1], lease, 'PX', ARGV[2])\n"
          + "return lease\n";

  /**
   * Fills a key only while it still holds the given lease, and announces the end of the lease.
   * KEYS[1] the key, ARGV[1] the lease, ARGV[2] the stored bytes, ARGV[3] the TTL in milliseconds
   * (0: none), ARGV[4] the lease channel. Returns 1 when the fill landed (then {@code 'F' ..
   * KEYS[1]} is published on ARGV[4]), 0 when the lease was gone (expired, or replaced by a put, an
   * invalidation or another node's lease).
   */
  static final String FILL =
      "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
          + "if tonumber(ARGV[3]) > 0 then\n"
          + "  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
          + "else\n"
          + "  redis.call('SET', KEYS[1], ARGV[2])\n"
          + "end\n"
          + "redis.call('PUBLISH', ARGV[4], 'F' .. KEYS[1])\n"
          + "return 1\n";

  /**
   * Gives a lease back without filling (the load failed, or its value is not cached): deletes the
   * key only while it still holds the lease. KEYS[1] the key, ARGV[1] the lease, ARGV[2] the lease
   * channel. Returns 1 when the lease was released (then {@code 'R' .. KEYS[1]} is published on
   * ARGV[2]).
   */
  static final String RELEASE =
      "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
          + "redis.call('UNLINK', KEYS[1])\n"
          + "redis.call('PUBLISH', ARGV[2], 'R' .. KEYS[1])\n"
          + "return 1\n";

  /**
   * Replaces whatever a key holds (a value, a negative entry, a lease, another Redis type) by a
   * tombstone whose generation is larger than the one it replaces and not smaller than the server
   * clock in microseconds, so generations of a key only grow. KEYS[1] the key, ARGV[1] the
   * tombstone TTL in milliseconds, ARGV[2] the lease channel. Returns 1. When it replaced a lease,
   * {@code 'T' .. KEYS[1]} is published on ARGV[2] (the lease's waiters may take a new one).
   */
  static final String TOMBSTONE =
      "local v = redis.pcall('GET', KEYS[1])\n"
          + "local prev = 0\n"
          + "if type(v) == 'string' then\n"
          + "  local kind = string.sub(v, 1, 2)\n"
          + "  if kind == '\\249T' then prev = tonumber(string.sub(v, 3)) or 0\n"
          + "  elseif kind == '\\249L' then\n"
          + "    prev = tonumber(string.match(v, ':(%d+)$')) or 0\n"
          + "    redis.call('PUBLISH', ARGV[2], 'T' .. KEYS[1])\n"
          + "  end\n"
          + "elseif type(v) == 'table' then\n"
          + "  redis.call('UNLINK', KEYS[1])\n"
          + "end\n"
          + "local t = redis.call('TIME')\n"
          + "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
          + "local gen = math.max(prev + 1, now)\n"
          + "redis.call('SET', KEYS[1], '\\249T' .. string.format('%.0f', gen), 'PX', ARGV[1])\n"
          + "return 1\n";

  /**
   * Takes the refresh lease of a refreshable value ('X') for early refresh: writes the holder into
   * the value's header, keeping its TTL, only while the key still holds exactly the bytes the
   * caller read (so only one caller of any process wins, and only for that entry). KEYS[1] the key,
   * ARGV[1] the bytes read, ARGV[2] the holder (8 characters). Returns 1 when taken.
   */
  static final String REFRESH_LEASE =
      "local v = redis.pcall('GET', KEYS[1])\n"
          + "if type(v) ~= 'string' or v ~= ARGV[1] then return 0 end\n"
          + "local marked = string.sub(v, 1, 14) .. ARGV[2] .. string.sub(v, 23)\n"
          + "local ttl = redis.call('PTTL', KEYS[1])\n"
          + "if ttl > 0 then\n"
          + "  redis.call('SET', KEYS[1], marked, 'PX', ttl)\n"
          + "else\n"
          + "  redis.call('SET', KEYS[1], marked)\n"
          + "end\n"
          + "return 1\n";

  /**
   * Writes an early refresh's value only while the key still holds a refreshable value whose
   * refresh lease is the caller's (no put, invalidation, delete or expiry since). KEYS[1] the key,
   * ARGV[1] the holder, ARGV[2] the stored bytes, ARGV[3] the TTL in milliseconds (0: none).
   * Returns 1 when the value landed.
   */
  static final String REFRESH_FILL =
      "local v = redis.pcall('GET', KEYS[1])\n"
          + "if type(v) ~= 'string' or string.sub(v, 1, 2) ~= '\\249X'"
          + " or string.sub(v, 15, 22) ~= ARGV[1] then return 0 end\n"
          + "if tonumber(ARGV[3]) > 0 then\n"
          + "  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
          + "else\n"
          + "  redis.call('SET', KEYS[1], ARGV[2])\n"
          + "end\n"
          + "return 1\n";

  private LeasedFillScripts() {}
}
