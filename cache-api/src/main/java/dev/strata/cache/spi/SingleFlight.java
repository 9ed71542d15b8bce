package dev.strata.cache.spi;

import dev.strata.cache.CacheLoadException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Collapses concurrent loads of one key into one: while a load of a key is in flight, every other
 * caller asking for that key waits for it and receives its value or its exception. Once the load
 * completes it is forgotten, so the next call after that starts a new one; a failure is never
 * remembered.
 *
 * <p>A cache uses it by making the load <em>and the fill</em> one task: a caller that misses
 * between the fill and the moment the load is forgotten then finds the value in the cache.
 *
 * <p>Thread-safe. The map of loads in flight is the only state; it holds an entry only while a load
 * runs.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SingleFlight<K, V> {

  /** A load that runs in the calling thread and may throw anything. */
  @FunctionalInterface
  public interface Task<K, V> {
    /**
     * Performs the load.
     *
     * @param key the key being loaded
     * @return the value, or {@code null} for "absent"
     * @throws Exception if the load failed
     */
    @Nullable V run(K key) throws Exception;
  }

  private final ConcurrentHashMap<K, CompletableFuture<@Nullable V>> inFlight =
      new ConcurrentHashMap<>();

  /**
   * Runs {@code task} for {@code key} in the calling thread, unless a load of {@code key} is
   * already in flight, in which case this waits for that one.
   *
   * @param key the key; not null
   * @param task the load, run at most once for concurrent callers
   * @return the value of the load that this caller ran or joined
   * @throws CacheLoadException if the load threw a checked exception (the cause)
   * @throws RuntimeException the load's unchecked exception, unchanged
   * @throws Error the load's error, unchanged
   */
  public @Nullable V load(K key, Task<? super K, ? extends V> task) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(task, "task must not be null");
    CompletableFuture<@Nullable V> mine = new CompletableFuture<>();
    CompletableFuture<@Nullable V> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return await(running);
    }
    try {
      V value = task.run(key);
      inFlight.remove(key, mine);
      mine.complete(value);
      return value;
    } catch (Throwable t) {
      inFlight.remove(key, mine);
      mine.completeExceptionally(t);
      throw rethrow(t);
    }
  }

  /**
   * Starts {@code task} for {@code key} unless a load of {@code key} is already in flight, in which
   * case the returned stage is that load's.
   *
   * @param key the key; not null
   * @param task starts the load and returns its stage; called at most once for concurrent callers
   * @return a stage completed with the load's value or failure; completing it has no effect on
   *     other callers
   */
  public CompletableFuture<@Nullable V> loadAsync(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> task) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(task, "task must not be null");
    CompletableFuture<@Nullable V> mine = new CompletableFuture<>();
    CompletableFuture<@Nullable V> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return running.thenApply(v -> v);
    }
    try {
      CompletionStage<? extends @Nullable V> stage =
          Objects.requireNonNull(task.apply(key), "the load returned a null stage");
      stage.whenComplete(
          (value, error) -> {
            inFlight.remove(key, mine);
            if (error != null) {
              mine.completeExceptionally(unwrap(error));
            } else {
              mine.complete(value);
            }
          });
    } catch (Throwable t) {
      inFlight.remove(key, mine);
      mine.completeExceptionally(t);
    }
    return mine.thenApply(v -> v);
  }

  /**
   * Makes the caller the leader of the load of {@code key}, unless a load of it is in flight: the
   * building block of a cache that runs a load across several steps (a bulk load that leads some
   * keys and joins others, a load shared by blocking and asynchronous callers). A leader must end
   * its load with {@link #complete} or {@link #fail}, whatever happens.
   *
   * @param key the key; not null
   * @param mine the future that callers of the same key will wait for; not null
   * @return {@code null} if the caller now leads the load of {@code key}, else the future of the
   *     load in flight, to wait for
   */
  public @Nullable CompletableFuture<@Nullable V> lead(K key, CompletableFuture<@Nullable V> mine) {
    return inFlight.putIfAbsent(key, mine);
  }

  /**
   * Ends a load that the caller leads ({@link #lead}) with its value: forgets it, then completes
   * {@code mine}, so the callers that joined receive {@code value}.
   *
   * @param key the key
   * @param mine the future the caller registered
   * @param value the value, or {@code null} for "absent"
   */
  public void complete(K key, CompletableFuture<@Nullable V> mine, @Nullable V value) {
    inFlight.remove(key, mine);
    mine.complete(value);
  }

  /**
   * Ends a load that the caller leads ({@link #lead}) with a failure: forgets it, then completes
   * {@code mine} exceptionally, so the callers that joined receive {@code failure}.
   *
   * @param key the key
   * @param mine the future the caller registered
   * @param failure the load's failure
   */
  public void fail(K key, CompletableFuture<@Nullable V> mine, Throwable failure) {
    inFlight.remove(key, mine);
    mine.completeExceptionally(failure);
  }

  /**
   * Returns how many loads are in flight now (for tests and metrics).
   *
   * @return the number of keys being loaded
   */
  public int inFlightCount() {
    return inFlight.size();
  }

  private @Nullable V await(CompletableFuture<@Nullable V> running) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return running.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw rethrow(e.getCause() == null ? e : e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Throwable unwrap(Throwable error) {
    return (error instanceof CompletionException && error.getCause() != null)
        ? error.getCause()
        : error;
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new CacheLoadException("cache load failed: " + t, t);
  }
}
