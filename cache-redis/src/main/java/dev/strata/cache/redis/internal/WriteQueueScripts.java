package dev.strata.cache.redis.internal;

/**
 * The Lua scripts of the durable write-behind queue. Every script touches the keys of one partition
 * only, which share a hash tag, so they run on Redis Cluster. Sequences are integers formatted with
 * {@code %.0f} because Lua numbers are doubles (exact below 2^53).
 */
final class WriteQueueScripts {

  private WriteQueueScripts() {}

  /**
   * KEYS: stream, pending hash, sequence. ARGV: key, op (P|D), value, capacity. Returns {status,
   * sequence}: status 0 queued, 1 coalesced, -1 full (nothing written).
   */
  static final String OFFER =
      """
      local prev = redis.call('HEXISTS', KEYS[2], ARGV[1])
      if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[4]) then return {-1, '0'} end
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local last = tonumber(redis.call('GET', KEYS[3]) or '0')
      local seq = string.format('%.0f', math.max(last + 1, now))
      redis.call('SET', KEYS[3], seq)
      redis.call('XADD', KEYS[1], '*', 'k', ARGV[1], 'o', ARGV[2], 'v', ARGV[3], 'q', seq)
      redis.call('HSET', KEYS[2], ARGV[1], seq .. '|' .. ARGV[2] .. ARGV[3])
      return {prev, seq}
      """;

  /**
   * KEYS: lease, fence, stream. ARGV: node, lease ms, group, consumer, renewOnly (0|1). Returns
   * {token, acquiredNow (0|1), claimed} or an empty list when another node holds the lease (or,
   * with renewOnly, when this node lost it). A new lease claims every pending entry of the group
   * for this consumer (XAUTOCLAIM with min-idle 0: the previous owner's lease has expired).
   */
  static final String ACQUIRE =
      """
      local cur = redis.call('GET', KEYS[1])
      if cur then
        local sep = string.find(cur, '|', 1, true)
        if sep and string.sub(cur, 1, sep - 1) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return {string.sub(cur, sep + 1), 0, 0}
        end
        return {}
      end
      if ARGV[5] == '1' then return {} end
      local token = redis.call('INCR', KEYS[2])
      redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
      pcall(redis.call, 'XGROUP', 'CREATE', KEYS[3], ARGV[3], '0', 'MKSTREAM')
      local claimed = 0
      local cursor = '0-0'
      for i = 1, 100000 do
        local r = redis.call('XAUTOCLAIM', KEYS[3], ARGV[3], ARGV[4], 0, cursor, 'COUNT', 1000, 'JUSTID')
        claimed = claimed + #r[2]
        cursor = r[1]
        if cursor == '0-0' then break end
      end
      return {tostring(token), 1, claimed}
      """;

  /**
   * KEYS: stream, pending hash, lease. ARGV: lease value, group, consumer, count. Returns {-1} when
   * the lease is not this node's, else {0, list} of {id, key, op, value, seq, pending} (pending =
   * the key's newest pending write "seq|op value", or ""); entries delivered before and not acked
   * come first. An entry deleted from the stream comes with an empty key.
   */
  static final String TAKE =
      """
      if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {-1} end
      local function read(from)
        local r = redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', ARGV[4],
          'STREAMS', KEYS[1], from)
        if r and r[1] and r[1][2] then return r[1][2] end
        return {}
      end
      local entries = read('0')
      if #entries == 0 then entries = read('>') end
      local out = {}
      for i, e in ipairs(entries) do
        local f = e[2]
        if f then
          local h = {}
          for j = 1, #f, 2 do h[f[j]] = f[j + 1] end
          local key = h['k'] or ''
          local cur = ''
          if key ~= '' then cur = redis.call('HGET', KEYS[2], key) or '' end
          out[#out + 1] = {e[1], key, h['o'] or '', h['v'] or '', h['q'] or '0', cur}
        else
          out[#out + 1] = {e[1], '', '', '', '0', ''}
        end
      end
      return {0, out}
      """;

  /**
   * KEYS: stream, pending hash, lease, dead-letter stream. ARGV: lease value, group, dead (0|1),
   * error, n, n ids, m, m pairs of (key, seq). Acks and deletes the entries (copying them to the
   * dead-letter stream with the error first when dead), and drops each key's pending write if it is
   * still the one of that sequence. Returns {-1} when the lease is not this node's (nothing done),
   * else {n}.
   */
  static final String ACK =
      """
      if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {-1} end
      local n = tonumber(ARGV[5])
      local ids = {}
      for i = 1, n do ids[i] = ARGV[5 + i] end
      if ARGV[3] == '1' then
        for i = 1, n do
          local e = redis.call('XRANGE', KEYS[1], ids[i], ids[i])
          if e[1] then
            local f = e[1][2]
            f[#f + 1] = 'error'
            f[#f + 1] = ARGV[4]
            redis.call('XADD', KEYS[4], 'MAXLEN', '~', '100000', '*', unpack(f))
          end
        end
      end
      if n > 0 then
        redis.call('XACK', KEYS[1], ARGV[2], unpack(ids))
        redis.call('XDEL', KEYS[1], unpack(ids))
      end
      local pos = 6 + n
      local m = tonumber(ARGV[pos])
      for i = 1, m do
        local key = ARGV[pos + 2 * i - 1]
        local prefix = ARGV[pos + 2 * i] .. '|'
        local cur = redis.call('HGET', KEYS[2], key)
        if cur and string.sub(cur, 1, #prefix) == prefix then redis.call('HDEL', KEYS[2], key) end
      end
      return {n}
      """;

  /** KEYS: lease. ARGV: lease value. Deletes the lease if it is still this node's. */
  static final String RELEASE =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then return {redis.call('DEL', KEYS[1])} end
      return {0}
      """;
}
