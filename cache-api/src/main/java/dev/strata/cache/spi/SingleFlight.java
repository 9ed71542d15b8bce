package dev.strata.cache.spi;

import dev.strata.cache.CacheLoadException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p><b>Writes detach.</b> A cache calls {@link #detach} when it writes or invalidates a key: the
 * load in flight goes on for the callers that already joined it, but the next caller starts a new
 * one instead of joining a load that may have read the old value (read-your-writes). Keeping the
 * detached load's value out of the cache is the cache's business ({@link InvalidationStamps}).
 *
 * <p><b>Recursion.</b> A load whose own thread asks for the same key again (a loader calling back
 * into its cache for its own key) would wait for itself forever; it fails at once with an {@link
 * IllegalStateException} naming the cache instead. Loads of other keys from inside a loader work.
 *
 * <p><b>Waiting.</b> A caller waiting for another thread's load honours interrupts: it stops
 * waiting, its interrupt flag stays set, and it gets a {@link CacheLoadException} whose cause is
 * the {@link InterruptedException}; the load goes on for the other callers. With a load timeout, a
 * load that has not completed within it is failed for all its waiters with a {@link
 * CacheLoadException} caused by a {@link TimeoutException} and forgotten, so the next caller starts
 * a new load; the thread running the late load is not interrupted.
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

  /** One load in flight: its future and the thread running its synchronous part, if any. */
  private static final class Flight<V> {
    final CompletableFuture<@Nullable V> future;
    volatile @Nullable Thread runner;

    Flight(CompletableFuture<@Nullable V> future) {
      this.future = future;
      this.runner = Thread.currentThread();
    }
  }

  private final ConcurrentHashMap<K, Flight<V>> inFlight = new ConcurrentHashMap<>();
  private final @Nullable String name;
  private final long timeoutNanos;

  /**
   * Throws a loader's failure the way the {@code Cache} contract wants it: unchecked exceptions and
   * errors as they are, a checked one wrapped in a {@link CacheLoadException} naming the cache (an
   * {@link InterruptedException} also restores the thread's interrupt flag). Declared to return the
   * exception so that callers can write {@code throw SingleFlight.rethrow(name, failure)}.
   *
   * @param cacheName the cache's name, for the message
   * @param failure what the loader threw
   * @return never returns normally
   */
  public static RuntimeException rethrow(String cacheName, Throwable failure) {
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    throw new CacheLoadException("cache '" + cacheName + "' failed to load: " + failure, failure);
  }

  /** Creates a single-flight without a name (messages say "a cache") and without load timeout. */
  public SingleFlight() {
    this.name = null;
    this.timeoutNanos = 0;
  }

  /**
   * Creates a single-flight for a named cache.
   *
   * @param name the cache's name, used in the messages of failures
   * @param loadTimeout how long a load may run before its waiters are released with a failure and
   *     it is forgotten; {@code null} for no limit
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code loadTimeout} is zero or negative
   */
  public SingleFlight(String name, @Nullable Duration loadTimeout) {
    this.name = Objects.requireNonNull(name, "name must not be null");
    if (loadTimeout != null && (loadTimeout.isZero() || loadTimeout.isNegative())) {
      throw new IllegalArgumentException("loadTimeout must be positive but was " + loadTimeout);
    }
    this.timeoutNanos = loadTimeout == null ? 0 : saturatedNanos(loadTimeout);
  }

  /**
   * Runs {@code task} for {@code key} in the calling thread, unless a load of {@code key} is
   * already in flight, in which case this waits for that one.
   *
   * @param key the key; not null
   * @param task the load, run at most once for concurrent callers
   * @return the value of the load that this caller ran or joined
   * @throws CacheLoadException if the load threw a checked exception (the cause), timed out, or
   *     this caller was interrupted while waiting (its interrupt flag stays set)
   * @throws IllegalStateException if the calling thread is itself running the load of {@code key}
   * @throws RuntimeException the load's unchecked exception, unchanged
   * @throws Error the load's error, unchanged
   */
  public @Nullable V load(K key, Task<? super K, ? extends V> task) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(task, "task must not be null");
    CompletableFuture<@Nullable V> mine = new CompletableFuture<>();
    CompletableFuture<@Nullable V> running = lead(key, mine);
    if (running != null) {
      return await(running);
    }
    try {
      V value = task.run(key);
      complete(key, mine, value);
      return value;
    } catch (Throwable t) {
      fail(key, mine, t);
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
    CompletableFuture<@Nullable V> running;
    try {
      running = lead(key, mine);
    } catch (IllegalStateException recursive) {
      return CompletableFuture.failedFuture(recursive);
    }
    if (running != null) {
      return running.thenApply(v -> v);
    }
    try {
      CompletionStage<? extends @Nullable V> stage =
          Objects.requireNonNull(task.apply(key), "the load returned a null stage");
      handOff(key, mine);
      stage.whenComplete(
          (value, error) -> {
            if (error != null) {
              fail(key, mine, unwrap(error));
            } else {
              complete(key, mine, value);
            }
          });
    } catch (Throwable t) {
      fail(key, mine, t);
    }
    return mine.thenApply(v -> v);
  }

  /**
   * Makes the caller the leader of the load of {@code key}, unless a load of it is in flight: the
   * building block of a cache that runs a load across several steps (a bulk load that leads some
   * keys and joins others, a load shared by blocking and asynchronous callers). A leader must end
   * its load with {@link #complete} or {@link #fail}, whatever happens. The calling thread counts
   * as running the load (a second {@code lead} of the key from it is recursive) until the load ends
   * or the leader calls {@link #handOff}.
   *
   * @param key the key; not null
   * @param mine the future that callers of the same key will wait for; not null
   * @return {@code null} if the caller now leads the load of {@code key}, else the future of the
   *     load in flight, to wait for
   * @throws IllegalStateException if the calling thread is running the load of {@code key} in
   *     flight (a recursive load)
   */
  public @Nullable CompletableFuture<@Nullable V> lead(K key, CompletableFuture<@Nullable V> mine) {
    Flight<V> flight = new Flight<>(mine);
    Flight<V> running = inFlight.putIfAbsent(key, flight);
    if (running == null) {
      if (timeoutNanos > 0) {
        armTimeout(key, flight);
      }
      return null;
    }
    if (running.runner == Thread.currentThread()) {
      throw new IllegalStateException(
          (name == null ? "a cache" : "cache '" + name + "'")
              + ": recursive load: the loader of a key asked the same cache for the same key from"
              + " the thread that is loading it, which would wait for itself forever");
    }
    return running.future;
  }

  /**
   * Tells that the leader's thread no longer runs the load of {@code key} (it goes on
   * asynchronously), so that thread may wait for it like any other caller.
   *
   * @param key the key
   * @param mine the future the caller registered with {@link #lead}
   */
  public void handOff(K key, CompletableFuture<@Nullable V> mine) {
    Flight<V> flight = inFlight.get(key);
    if (flight != null && flight.future == mine) {
      flight.runner = null;
    }
  }

  /**
   * Ends a load that the caller leads ({@link #lead}) with its value: forgets it (unless it was
   * detached), then completes {@code mine}, so the callers that joined receive {@code value}.
   *
   * @param key the key
   * @param mine the future the caller registered
   * @param value the value, or {@code null} for "absent"
   */
  public void complete(K key, CompletableFuture<@Nullable V> mine, @Nullable V value) {
    forget(key, mine);
    mine.complete(value);
  }

  /**
   * Ends a load that the caller leads ({@link #lead}) with a failure: forgets it (unless it was
   * detached), then completes {@code mine} exceptionally, so the callers that joined receive {@code
   * failure}.
   *
   * @param key the key
   * @param mine the future the caller registered
   * @param failure the load's failure
   */
  public void fail(K key, CompletableFuture<@Nullable V> mine, Throwable failure) {
    forget(key, mine);
    mine.completeExceptionally(failure);
  }

  /**
   * Detaches the load of {@code key} in flight, if any: the callers that joined it still get its
   * outcome, but the next caller starts a new load. Call after writing or invalidating the key.
   * Does nothing (and allocates nothing) when no load is in flight.
   *
   * @param key the key; not null
   */
  public void detach(K key) {
    if (!inFlight.isEmpty()) {
      inFlight.remove(key);
    }
  }

  /** Detaches every load in flight (see {@link #detach}). Call after invalidating everything. */
  public void detachAll() {
    inFlight.clear();
  }

  /**
   * Returns how many loads are in flight now (for tests and metrics).
   *
   * @return the number of keys being loaded
   */
  public int inFlightCount() {
    return inFlight.size();
  }

  /**
   * Waits for a load in flight, honouring interrupts.
   *
   * @param running the future of the load, as returned by {@link #lead}
   * @return the load's value
   * @throws CacheLoadException if the load threw a checked exception (the cause), timed out, or the
   *     caller was interrupted while waiting (its interrupt flag stays set)
   * @throws RuntimeException the load's unchecked exception, unchanged
   * @throws Error the load's error, unchanged
   */
  public @Nullable V await(CompletableFuture<@Nullable V> running) {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheLoadException(
          (name == null ? "a cache" : "cache '" + name + "'")
              + ": interrupted while waiting for another thread's load of the same key; that load"
              + " goes on for its other callers",
          e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause() == null ? e : e.getCause());
    }
  }

  private void forget(K key, CompletableFuture<@Nullable V> mine) {
    Flight<V> flight = inFlight.get(key);
    if (flight != null && flight.future == mine) {
      inFlight.remove(key, flight);
    }
  }

  private void armTimeout(K key, Flight<V> flight) {
    ScheduledFuture<?> timer =
        Timer.INSTANCE.schedule(
            () -> {
              if (!flight.future.isDone()) {
                inFlight.remove(key, flight);
                Duration limit = Duration.ofNanos(timeoutNanos);
                flight.future.completeExceptionally(
                    new CacheLoadException(
                        (name == null ? "a cache" : "cache '" + name + "'")
                            + ": a load did not complete within the load timeout of "
                            + limit
                            + "; its waiters were released and the next lookup loads again",
                        new TimeoutException("load timeout " + limit + " elapsed")));
              }
            },
            timeoutNanos,
            TimeUnit.NANOSECONDS);
    flight.future.whenComplete((value, error) -> timer.cancel(false));
  }

  private static long saturatedNanos(Duration duration) {
    return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
        ? Long.MAX_VALUE
        : duration.toNanos();
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

  /** The one daemon thread that fails loads past their timeout, started on first use. */
  private static final class Timer {
    static final ScheduledThreadPoolExecutor INSTANCE = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(
              1,
              runnable -> {
                Thread thread = new Thread(runnable, "strata-cache-load-timeout");
                thread.setDaemon(true);
                return thread;
              });
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }
}
