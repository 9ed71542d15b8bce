package dev.strata.cache.redis.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The delivery delays of invalidation messages: the publish time a message carries against this
 * node's clock, handed to listeners. Thread-safe.
 */
public final class DeliveryDelays {

  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

  /**
   * Returns the current time in microseconds since the epoch, the unit of a message's publish time.
   *
   * @return the time on this node's clock
   */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /**
   * Adds a listener.
   *
   * @param listener receives each delay in nanoseconds, negative when the publisher's clock is
   *     ahead of this one
   * @return removes the listener when run
   */
  public Runnable add(LongConsumer listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Measures the delay of a message just delivered and tells the listeners.
   *
   * @param publishedAtMicros the message's publish time, not negative
   * @param onFailure receives an exception a listener threw (the other listeners are still told)
   */
  public void delivered(long publishedAtMicros, Consumer<RuntimeException> onFailure) {
    if (listeners.isEmpty()) {
      return;
    }
    long limit = Long.MAX_VALUE / 1_000;
    long micros = Math.max(-limit, Math.min(limit, nowMicros() - publishedAtMicros));
    long nanos = micros * 1_000;
    for (LongConsumer listener : listeners) {
      try {
        listener.accept(nanos);
      } catch (RuntimeException e) {
        onFailure.accept(e);
      }
    }
  }
}
