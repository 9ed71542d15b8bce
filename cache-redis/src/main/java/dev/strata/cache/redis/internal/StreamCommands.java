package dev.strata.cache.redis.internal;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the durable write-behind queue's Redis calls: waits for each with the command timeout, runs
 * scripts by digest (loading them again after a Redis restart), and turns failures into unchecked
 * exceptions that name the queue. Thread-safe.
 */
final class StreamCommands {

  final RedisClusterAsyncCommands<String, String> redis;
  private final String queue;
  private final long timeoutMillis;
  private final Map<String, String> digests = new ConcurrentHashMap<>();

  StreamCommands(
      RedisClusterAsyncCommands<String, String> redis, String queue, long timeoutMillis) {
    this.redis = redis;
    this.queue = queue;
    this.timeoutMillis = timeoutMillis;
  }

  /** Runs a script whose reply is an array; an empty list for a nil reply. */
  List<Object> script(String script, String[] keys, String... args) {
    String digest = digests.computeIfAbsent(script, redis::digest);
    List<Object> reply;
    try {
      reply = await(redis.<List<Object>>evalsha(digest, ScriptOutputType.MULTI, keys, args));
    } catch (RedisNoScriptException e) {
      reply = await(redis.<List<Object>>eval(script, ScriptOutputType.MULTI, keys, args));
    }
    return reply == null ? List.of() : reply;
  }

  /** Waits for a reply, at most the command timeout. */
  <T> T await(RedisFuture<T> future) {
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new IllegalStateException("interrupted while waiting for Redis", e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException(
          "write-behind queue '"
              + queue
              + "': Redis did not answer within "
              + timeoutMillis
              + " ms",
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("write-behind queue '" + queue + "': " + cause, cause);
    }
  }

  /** Compares two stream entry ids ({@code millis-sequence}) numerically. */
  static int compareIds(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int byMillis =
        Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
    return byMillis != 0
        ? byMillis
        : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
  }
}
