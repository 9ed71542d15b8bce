package dev.strata.cache.internal;

import dev.strata.cache.strategy.QueuedWrite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The queue of a write-behind cache: at most one pending write per key (a later write to a key
 * replaces the pending one and keeps its place in line), a bound on pending keys, batches taken in
 * the order keys were first queued, and sequence numbers that let {@code flush()} wait for exactly
 * the writes accepted before it.
 *
 * <p>One batch is in flight at a time: a write to a key of the batch being written queues anew and
 * goes out in a later batch, so per-key order is kept. Thread-safe; one lock guards everything and
 * is held only for map operations.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CoalescingWriteQueue<K, V> {

  /** The outcome of an offer. */
  public enum Offer {
    /** The write took a new place in the queue. */
    QUEUED,
    /** The write replaced a pending write to the same key. */
    COALESCED,
    /** The queue was full (and stayed full for the whole wait). */
    FULL,
    /** The queue is closed. */
    CLOSED
  }

  private static final class Slot<V> {
    @Nullable V value;
    final long firstSeq;
    final long firstNanos;

    Slot(@Nullable V value, long firstSeq, long firstNanos) {
      this.value = value;
      this.firstSeq = firstSeq;
      this.firstNanos = firstNanos;
    }
  }

  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition room = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private final LinkedHashMap<K, Slot<V>> pending = new LinkedHashMap<>();
  private Map<K, Slot<V>> inFlight = Map.of();
  private long inFlightFirstSeq = Long.MAX_VALUE;
  private long lastSeq;
  private long flushTarget;
  private boolean closed;

  /**
   * Creates an empty queue.
   *
   * @param capacity the most keys that may wait at once; positive
   */
  public CoalescingWriteQueue(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive but was " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Queues a write, replacing a pending write of the same key.
   *
   * @param key the key
   * @param value the value, or {@code null} for a delete
   * @param waitNanos how long to wait for room when full; 0 to not wait
   * @return what happened
   * @throws InterruptedException if interrupted while waiting for room; nothing was queued
   */
  public Offer offer(K key, @Nullable V value, long waitNanos) throws InterruptedException {
    lock.lock();
    try {
      if (closed) {
        return Offer.CLOSED;
      }
      Slot<V> slot = pending.get(key);
      if (slot != null) {
        slot.value = value;
        lastSeq++;
        return Offer.COALESCED;
      }
      long remaining = waitNanos;
      while (pending.size() >= capacity) {
        if (remaining <= 0) {
          return Offer.FULL;
        }
        remaining = room.awaitNanos(remaining);
        if (closed) {
          return Offer.CLOSED;
        }
        slot = pending.get(key);
        if (slot != null) {
          slot.value = value;
          lastSeq++;
          return Offer.COALESCED;
        }
      }
      pending.put(key, new Slot<>(value, ++lastSeq, System.nanoTime()));
      work.signal();
      return Offer.QUEUED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the write still waiting for {@code key} (queued or being written), if any.
   *
   * @param key the key
   * @return the newest pending write of the key, or {@code null} if none
   */
  public @Nullable QueuedWrite<K, V> pendingWrite(K key) {
    lock.lock();
    try {
      Slot<V> slot = pending.get(key);
      if (slot == null) {
        slot = inFlight.get(key);
      }
      return slot == null ? null : new QueuedWrite<>(key, slot.value);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a batch is due and takes it: when {@code maxBatch} keys wait, when the oldest has
   * waited {@code maxDelayNanos}, when a flush asks for it, or at once after {@link #close()}. The
   * previous batch must have been {@link #completeBatch() completed}.
   *
   * @param maxBatch the most writes in a batch
   * @param maxDelayNanos the longest a write waits before it is due
   * @return the batch in queue order, or {@code null} when the queue is closed and empty
   * @throws InterruptedException if interrupted while waiting
   */
  public @Nullable List<QueuedWrite<K, V>> takeBatch(int maxBatch, long maxDelayNanos)
      throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (pending.isEmpty()) {
          if (closed) {
            return null;
          }
          work.await();
          continue;
        }
        Slot<V> head = pending.values().iterator().next();
        long waitNanos = head.firstNanos + maxDelayNanos - System.nanoTime();
        if (closed
            || pending.size() >= maxBatch
            || head.firstSeq <= flushTarget
            || waitNanos <= 0) {
          return take(maxBatch);
        }
        work.awaitNanos(waitNanos);
      }
    } finally {
      lock.unlock();
    }
  }

  private List<QueuedWrite<K, V>> take(int maxBatch) {
    int size = Math.min(maxBatch, pending.size());
    Map<K, Slot<V>> batch = new HashMap<>(size * 2);
    List<QueuedWrite<K, V>> writes = new ArrayList<>(size);
    Iterator<Map.Entry<K, Slot<V>>> it = pending.entrySet().iterator();
    long firstSeq = Long.MAX_VALUE;
    while (writes.size() < size) {
      Map.Entry<K, Slot<V>> entry = it.next();
      it.remove();
      batch.put(entry.getKey(), entry.getValue());
      writes.add(new QueuedWrite<>(entry.getKey(), entry.getValue().value));
      firstSeq = Math.min(firstSeq, entry.getValue().firstSeq);
    }
    inFlight = batch;
    inFlightFirstSeq = firstSeq;
    room.signalAll();
    return writes;
  }

  /** Marks the batch in flight as done (written or dead-lettered) and wakes flush waiters. */
  public void completeBatch() {
    lock.lock();
    try {
      inFlight = Map.of();
      inFlightFirstSeq = Long.MAX_VALUE;
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Asks for everything accepted so far to be written now, regardless of the batch delay.
   *
   * @return the sequence number to pass to {@link #awaitDone(long, long)}
   */
  public long requestFlush() {
    lock.lock();
    try {
      flushTarget = Math.max(flushTarget, lastSeq);
      work.signal();
      return lastSeq;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every write accepted up to sequence number {@code target} is done.
   *
   * @param target from {@link #requestFlush()}
   * @param timeoutNanos the longest wait
   * @return {@code true} if done, {@code false} on timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitDone(long target, long timeoutNanos) throws InterruptedException {
    long remaining = timeoutNanos;
    lock.lock();
    try {
      while (!doneUpTo(target)) {
        if (remaining <= 0) {
          return false;
        }
        remaining = progress.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private boolean doneUpTo(long target) {
    boolean pendingDone = pending.isEmpty() || pending.values().iterator().next().firstSeq > target;
    return pendingDone && inFlightFirstSeq > target;
  }

  /** Refuses further writes and makes every pending write due at once. Idempotent. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      work.signalAll();
      room.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the number of keys waiting (not counting the batch being written).
   *
   * @return the queue depth
   */
  public int depth() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the queue's capacity.
   *
   * @return the most keys that may wait at once
   */
  public int capacity() {
    return capacity;
  }
}
