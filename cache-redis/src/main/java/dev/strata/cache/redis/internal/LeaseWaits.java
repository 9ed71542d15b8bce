package dev.strata.cache.redis.internal;

import dev.strata.cache.redis.internal.LeasedFill.Acquired;
import dev.strata.cache.redis.internal.LeasedFill.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Waits for another caller's fill lease (of any process) to end: the waiter looks at the key again
 * when the lease channel announces the end of the lease ({@link LeaseWakeUps}) or, without an
 * announcement, after a pause that doubles up to a bound (never a spin). A wait ends when the
 * holder's fill landed (the entry is found), the lease ended otherwise (it is granted to the
 * waiter), or the wait's bound passed (the waiter then loads without a lease and does not fill). A
 * holder that died leaves a lease that expires after the lease duration.
 *
 * <p>Waits are futures: no thread is parked per waiter (looks are sent from Lettuce's threads and
 * pauses are timed by the JDK's delayer thread). The blocking form parks only its caller and
 * honours interrupts. Thread-safe.
 */
public final class LeaseWaits {

  /** The first and the longest pause between two looks while announcements arrive. */
  static final long NOTIFIED_FIRST_PAUSE_MILLIS = 20;

  static final long NOTIFIED_MAX_PAUSE_MILLIS = 100;

  /** The first and the longest pause between two looks without announcements. */
  static final long POLLING_FIRST_PAUSE_MILLIS = 1;

  static final long POLLING_MAX_PAUSE_MILLIS = 20;

  private static final Acquired BUSY = new Acquired(Outcome.BUSY, null);

  private final LeasedFill leases;
  private final LeaseWakeUps wakeUps;
  private final LongAdder waited = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder expired = new LongAdder();

  /**
   * Creates the waits of one cache.
   *
   * @param leases the cache's leased fills
   * @param wakeUps the cache's wake-ups, or {@link LeaseWakeUps#none()}
   */
  public LeaseWaits(LeasedFill leases, LeaseWakeUps wakeUps) {
    this.leases = leases;
    this.wakeUps = wakeUps;
  }

  /**
   * Takes the fill lease of a key, waiting while another caller holds it. Blocks the calling
   * thread; an interrupt ends the wait at once with the interrupt flag set (a lease granted
   * meanwhile is given back).
   *
   * @param key the Redis key
   * @param maxWait how long to wait at most; zero: do not wait
   * @return the outcome: {@link Outcome#BUSY} only when the wait ran out or was interrupted
   */
  public Acquired acquireOrWait(byte[] key, Duration maxWait) {
    Wait wait = new Wait(key, maxWait);
    leases.acquire(key, true).thenAccept(wait::first);
    try {
      return wait.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      wait.cancel();
      return BUSY;
    } catch (ExecutionException e) {
      return BUSY;
    }
  }

  /**
   * Takes the fill lease of a key, waiting without blocking while another caller holds it.
   *
   * @param key the Redis key
   * @param maxWait how long to wait at most; zero: do not wait
   * @return a stage completed with the outcome ({@link Outcome#BUSY} only when the wait ran out);
   *     never completed exceptionally
   */
  public CompletableFuture<Acquired> acquireOrWaitAsync(byte[] key, Duration maxWait) {
    Wait wait = new Wait(key, maxWait);
    leases.acquire(key, true).thenAccept(wait::first);
    return wait.result;
  }

  /**
   * Waits for the leases that a bulk attempt found busy, without blocking.
   *
   * @param keys the Redis keys whose lease another caller held
   * @param maxWait how long to wait at most
   * @return a stage completed with the outcome of each key, in order; never completed exceptionally
   */
  public CompletableFuture<List<Acquired>> awaitAll(List<byte[]> keys, Duration maxWait) {
    List<CompletableFuture<Acquired>> each = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      Wait wait = new Wait(key, maxWait);
      wait.first(BUSY);
      each.add(wait.result);
    }
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            done -> {
              List<Acquired> result = new ArrayList<>(each.size());
              each.forEach(f -> result.add(f.join()));
              return result;
            });
  }

  /**
   * Returns the misses that waited for another caller's fill so far.
   *
   * @return the count
   */
  public long waited() {
    return waited.sum();
  }

  /**
   * Returns the waits that ran out so far (the caller then loaded without filling).
   *
   * @return the count
   */
  public long timedOut() {
    return timedOut.sum();
  }

  /**
   * Returns the waits that took the lease over although no end of it was announced so far: the
   * holder's lease expired (it died, or its load outlived the lease duration), or its end was not
   * announced (no pub/sub, or a peer of an older version).
   *
   * @return the count
   */
  public long expired() {
    return expired.sum();
  }

  /** One caller's wait for one key. */
  private final class Wait {

    private final byte[] key;
    private final long maxWaitNanos;
    private final CompletableFuture<Acquired> result = new CompletableFuture<>();
    private long deadline;
    private long pauseMillis;
    private boolean announced;
    private volatile boolean cancelled;

    Wait(byte[] key, Duration maxWait) {
      this.key = key;
      this.maxWaitNanos = maxWait.toNanos();
    }

    /** Takes the answer of the first attempt: a wait starts only if it is busy. */
    void first(Acquired answer) {
      if (answer.outcome() != Outcome.BUSY) {
        result.complete(answer);
        return;
      }
      waited.increment();
      deadline = System.nanoTime() + maxWaitNanos;
      pauseMillis = wakeUps.active() ? NOTIFIED_FIRST_PAUSE_MILLIS : POLLING_FIRST_PAUSE_MILLIS;
      look();
    }

    private void look() {
      long left = deadline - System.nanoTime();
      if (left <= 0 || cancelled) {
        if (!cancelled) {
          timedOut.increment();
        }
        result.complete(BUSY);
        return;
      }
      // registered before the look, so that an end announced after it is not missed
      CompletableFuture<Byte> wake = wakeUps.register(key);
      leases
          .acquire(key, false)
          .thenAccept(
              answer -> {
                if (answer.outcome() != Outcome.BUSY) {
                  wakeUps.unregister(key, wake);
                  finish(answer);
                  return;
                }
                long pause =
                    Math.max(1, Math.min(pauseMillis, TimeUnit.NANOSECONDS.toMillis(left)));
                long max = wakeUps.active() ? NOTIFIED_MAX_PAUSE_MILLIS : POLLING_MAX_PAUSE_MILLIS;
                pauseMillis = Math.min(pauseMillis * 2, max);
                wake.completeOnTimeout(LeaseWakeUps.NONE, pause, TimeUnit.MILLISECONDS)
                    .thenAccept(
                        event -> {
                          wakeUps.unregister(key, wake);
                          if (event != LeaseWakeUps.NONE) {
                            announced = true;
                          }
                          look();
                        });
              });
    }

    private void finish(Acquired answer) {
      if (answer.outcome() == Outcome.GRANTED) {
        if (!announced) {
          expired.increment();
        }
        if (cancelled) {
          leases.release(key, answer);
          result.complete(BUSY);
          return;
        }
      }
      result.complete(answer);
    }

    /** Ends a blocking wait whose caller was interrupted; a lease granted meanwhile is released. */
    void cancel() {
      cancelled = true;
      Acquired answer = result.getNow(null);
      if (answer != null && answer.outcome() == Outcome.GRANTED) {
        leases.release(key, answer);
      }
    }
  }
}
