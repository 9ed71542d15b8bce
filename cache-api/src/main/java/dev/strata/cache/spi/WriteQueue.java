package dev.strata.cache.spi;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The queue of a write-behind cache: accepts writes, answers "what is still waiting for this key",
 * and hands batches to one flusher thread. Implementations: the in-memory coalescing queue (the
 * default of {@link dev.strata.cache.strategy.WriteBehindCache}) and the durable Redis Streams
 * queue of {@code strata-cache-redis}.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li><b>Acknowledged means queued</b>: when {@link #offer} returns {@link Offer#QUEUED} or
 *       {@link Offer#COALESCED}, the write is held as durably as the implementation promises (in
 *       memory, or in Redis) and will reach a {@link #takeBatch batch}.
 *   <li><b>Per-key order</b>: a batch holds at most one write per key, the newest; a write to a key
 *       whose batch is being written goes out in a later batch.
 *   <li><b>One flusher</b>: {@link #takeBatch} and {@link #completeBatch} are called by one thread,
 *       one batch at a time; the other methods from any thread.
 *   <li><b>No waiting in {@code offer}</b>: it never blocks for room; a caller that wants to wait
 *       calls {@link #awaitRoom} (holding no lock) and offers again.
 * </ul>
 *
 * <p>Thread-safe. Methods other than {@link #takeBatch} and {@link #awaitRoom} and {@link
 * #awaitDone} do not block beyond the implementation's I/O.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WriteQueue<K, V> {

  /** The outcome of an {@link #offer}. */
  enum Offer {
    /** The write took a new place in the queue. */
    QUEUED,
    /** The write replaced (or superseded) a pending write to the same key. */
    COALESCED,
    /** The queue is full; nothing changed. */
    FULL,
    /** The queue is closed; nothing changed. */
    CLOSED
  }

  /** What became of a batch, as told to {@link #completeBatch}. */
  enum Outcome {
    /** The writer committed the batch. */
    WRITTEN,
    /** The batch failed after every retry and went to the dead-letter handler. */
    DEAD_LETTERED,
    /**
     * The batch was not written because the flusher was stopped (a close deadline passed); a
     * durable queue keeps it for another flusher.
     */
    ABANDONED
  }

  /**
   * Queues a write, replacing (or superseding) a pending write of the same key; never waits for
   * room.
   *
   * @param key the key
   * @param value the value, or {@code null} for a delete
   * @return what happened
   * @throws RuntimeException if the queue cannot be reached (a durable queue's store is down);
   *     nothing was acknowledged
   */
  Offer offer(K key, @Nullable V value);

  /**
   * Waits until the queue may have room for a new key, or it is closed.
   *
   * @param timeoutNanos the longest wait
   * @return {@code true} if there may be room now (offer again), {@code false} on timeout
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitRoom(long timeoutNanos) throws InterruptedException;

  /**
   * Returns the newest write still waiting for {@code key} (queued or being written), if any.
   *
   * @param key the key
   * @return the write, or {@code null} if none waits
   * @throws RuntimeException if the queue cannot be reached
   */
  @Nullable PendingWrite<K, V> pendingWrite(K key);

  /**
   * Waits until a batch is due and takes it: when {@code maxBatch} writes wait, when the oldest has
   * waited {@code maxDelayNanos}, when a flush asks for it, or at once after {@link #close()}.
   *
   * @param maxBatch the most writes in a batch
   * @param maxDelayNanos the longest a write waits before it is due
   * @return the batch, or {@code null} when the queue is closed and has nothing more for this
   *     flusher
   * @throws InterruptedException if interrupted while waiting
   * @throws RuntimeException if the queue cannot be reached; the flusher retries later
   */
  @Nullable WriteBatch<K, V> takeBatch(int maxBatch, long maxDelayNanos)
      throws InterruptedException;

  /**
   * Hands back a batch taken with {@link #takeBatch}: a written or dead-lettered batch leaves the
   * queue; an abandoned one stays (durable queue) or is reported by {@link #unwritten()}.
   *
   * @param batch the batch
   * @param outcome what became of it
   * @param error the last failure of a dead-lettered batch, else {@code null}
   * @throws RuntimeException if the queue cannot be reached; the batch is then written again later
   *     (writers are idempotent)
   */
  void completeBatch(WriteBatch<K, V> batch, Outcome outcome, @Nullable Throwable error);

  /**
   * Asks for everything accepted so far to be written now, regardless of the batch delay.
   *
   * @return a token for {@link #awaitDone(long, long)}
   */
  long requestFlush();

  /**
   * Waits until every write accepted before {@link #requestFlush()} returned {@code target} is
   * written or dead-lettered.
   *
   * @param target from {@link #requestFlush()}
   * @param timeoutNanos the longest wait
   * @return {@code true} if done, {@code false} on timeout
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitDone(long target, long timeoutNanos) throws InterruptedException;

  /** Refuses further writes and makes every pending write due at once. Idempotent. */
  void close();

  /**
   * Called once the flusher has stopped (after {@link #close()}; drained, or abandoned at a
   * deadline): frees what the queue holds for its flusher (a durable queue's partition leases and
   * threads). Does nothing by default. Idempotent.
   */
  default void release() {}

  /**
   * Returns the writes this queue's flusher has not written: the batch in flight (if not completed)
   * and what waits, in queue order. Meant for after {@link #close()} when the flusher stopped at a
   * deadline.
   *
   * @return the writes not written; empty if everything was written or dead-lettered
   */
  List<PendingWrite<K, V>> unwritten();

  /**
   * Returns the number of writes waiting (for a durable queue: entries of every node not yet
   * acknowledged, as last observed).
   *
   * @return the queue depth
   */
  int depth();

  /**
   * Returns the queue's bound.
   *
   * @return the most writes that may wait at once
   */
  int capacity();
}
