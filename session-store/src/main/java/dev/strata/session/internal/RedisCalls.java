package dev.strata.session.internal;

import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisUris;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * The session store's way of talking to Redis: commands on one shared connection, each awaited for
 * at most the command timeout, scripts run with EVALSHA and re-sent with EVAL when the server has
 * lost them. A timeout or a failure becomes the exception made by the store's factory (counted as a
 * failure); the caller's data is never half-written because every write is one script.
 *
 * <p>Thread-safe.
 */
public final class RedisCalls {

  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final long timeoutNanos;
  private final Duration timeout;
  private final SessionCounters counters;
  private final BiFunction<String, Throwable, RuntimeException> unavailable;
  private final RedisConnector connector;

  /**
   * Creates the calls.
   *
   * @param commands the asynchronous commands of the store's connection
   * @param timeout how long one call may take
   * @param counters where failures are counted
   * @param unavailable makes the exception thrown when Redis cannot be reached (message, cause)
   * @param connector counts commands that Lettuce rejected (full queue, disconnected)
   */
  public RedisCalls(
      RedisClusterAsyncCommands<String, byte[]> commands,
      Duration timeout,
      SessionCounters counters,
      BiFunction<String, Throwable, RuntimeException> unavailable,
      RedisConnector connector) {
    this.commands = commands;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.counters = counters;
    this.unavailable = unavailable;
    this.connector = connector;
  }

  /**
   * Returns the commands, to send several before awaiting them.
   *
   * @return the asynchronous commands
   */
  public RedisClusterAsyncCommands<String, byte[]> commands() {
    return commands;
  }

  /**
   * Sends a script with EVALSHA without waiting.
   *
   * @param script the script
   * @param type its output type
   * @param keys its keys
   * @param args its arguments
   * @param <T> the result type
   * @return the pending reply; await it with {@link #awaitScript}
   */
  public <T> RedisFuture<T> evalsha(
      SessionScript script, ScriptOutputType type, String[] keys, byte[]... args) {
    return commands.evalsha(script.sha1(), type, keys, args);
  }

  /**
   * Runs a script and waits for its reply.
   *
   * @param script the script
   * @param type its output type
   * @param keys its keys
   * @param args its arguments
   * @param <T> the result type
   * @return the reply
   */
  public <T> T runScript(
      SessionScript script, ScriptOutputType type, String[] keys, byte[]... args) {
    RedisFuture<T> future = evalsha(script, type, keys, args);
    return awaitScript(future, script, type, keys, args);
  }

  /**
   * Awaits a script sent with {@link #evalsha}, re-sending it with EVAL if the server lost it.
   *
   * @param future the pending EVALSHA
   * @param script the script
   * @param type its output type
   * @param keys its keys
   * @param args its arguments
   * @param <T> the result type
   * @return the reply
   */
  public <T> T awaitScript(
      RedisFuture<T> future,
      SessionScript script,
      ScriptOutputType type,
      String[] keys,
      byte[]... args) {
    try {
      return await(future, script.name());
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof RedisNoScriptException)) {
        throw e;
      }
      RedisFuture<T> eval = commands.eval(script.body(), type, keys, args);
      return await(eval, script.name());
    }
  }

  /**
   * Awaits every future in order.
   *
   * @param futures the pending replies
   * @param what what they do, for the error message
   */
  public void awaitAll(List<? extends RedisFuture<?>> futures, String what) {
    for (RedisFuture<?> f : futures) {
      await(f, what);
    }
  }

  /**
   * Awaits one reply.
   *
   * @param future the pending reply
   * @param what what it does, for the error message
   * @param <T> the result type
   * @return the reply
   */
  public <T> T await(RedisFuture<T> future, String what) {
    try {
      return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      counters.failures.increment();
      throw unavailable.apply("session store " + what + " timed out after " + timeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (!(cause instanceof RedisNoScriptException)) {
        counters.failures.increment();
        connector.countIfRejected(cause);
      }
      throw unavailable.apply(
          "session store " + what + " failed: " + RedisUris.describe(cause), cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw unavailable.apply("interrupted during session store " + what, e);
    }
  }
}
