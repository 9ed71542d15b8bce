package dev.strata.cache.strategy.internal;

import dev.strata.cache.spi.PendingWrite;
import dev.strata.cache.spi.WriteBatch;
import dev.strata.cache.spi.WriteQueue;
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
 * The in-memory queue of a write-behind cache: at most one pending write per key (a later write to
 * a key replaces the pending one and keeps its place in line), a bound on pending keys, batches
 * taken in the order keys were first queued, and sequence numbers that let {@code flush()} wait for
 * exactly the writes accepted before it.
 *
 * <p>One batch is in flight at a time: a write to a key of the batch being written queues anew and
 * goes out in a later batch, so per-key order is kept. Writes are lost if the process dies. Batches
 * carry sequence 0 (the numbers restart with the process, so a writer must not compare them).
 * Thread-safe; one lock guards everything and is held only for map operations.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class InMemoryWriteQueue<K, V> implements WriteQueue<K, V> {

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

  private record Batch<K, V>(List<PendingWrite<K, V>> writes) implements WriteBatch<K, V> {}

  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition room = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private final LinkedHashMap<K, Slot<V>> pending = new LinkedHashMap<>();
  private Map<K, Slot<V>> inFlight = Map.of();
  private @Nullable Batch<K, V> inFlightBatch;
  private long inFlightFirstSeq = Long.MAX_VALUE;
  private long lastSeq;
  private long flushTarget;
  private boolean closed;

  /**
   * Creates an empty queue.
   *
   * @param capacity the most keys that may wait at once; positive
   * @throws IllegalArgumentException if {@code capacity} is not positive
   */
  public InMemoryWriteQueue(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("queueCapacity must be positive but was " + capacity);
    }
    this.capacity = capacity;
  }

  @Override
  public Offer offer(K key, @Nullable V value) {
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
      if (pending.size() >= capacity) {
        return Offer.FULL;
      }
      pending.put(key, new Slot<>(value, ++lastSeq, System.nanoTime()));
      work.signal();
      return Offer.QUEUED;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitRoom(long timeoutNanos) throws InterruptedException {
    long remaining = timeoutNanos;
    lock.lock();
    try {
      while (!closed && pending.size() >= capacity) {
        if (remaining <= 0) {
          return false;
        }
        remaining = room.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public @Nullable PendingWrite<K, V> pendingWrite(K key) {
    lock.lock();
    try {
      Slot<V> slot = pending.get(key);
      if (slot == null) {
        slot = inFlight.get(key);
      }
      return slot == null ? null : new PendingWrite<>(key, slot.value, 0);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public @Nullable WriteBatch<K, V> takeBatch(int maxBatch, long maxDelayNanos)
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

  private Batch<K, V> take(int maxBatch) {
    int size = Math.min(maxBatch, pending.size());
    Map<K, Slot<V>> taken = new HashMap<>(size * 2);
    List<PendingWrite<K, V>> writes = new ArrayList<>(size);
    Iterator<Map.Entry<K, Slot<V>>> it = pending.entrySet().iterator();
    long firstSeq = Long.MAX_VALUE;
    while (writes.size() < size) {
      Map.Entry<K, Slot<V>> entry = it.next();
      it.remove();
      taken.put(entry.getKey(), entry.getValue());
      writes.add(new PendingWrite<>(entry.getKey(), entry.getValue().value, 0));
      firstSeq = Math.min(firstSeq, entry.getValue().firstSeq);
    }
    inFlight = taken;
    inFlightFirstSeq = firstSeq;
    Batch<K, V> batch = new Batch<>(List.copyOf(writes));
    inFlightBatch = batch;
    room.signalAll();
    return batch;
  }

  @Override
  public void completeBatch(WriteBatch<K, V> batch, Outcome outcome, @Nullable Throwable error) {
    lock.lock();
    try {
      if (batch != inFlightBatch) {
        throw new IllegalArgumentException("completeBatch got a batch that is not in flight");
      }
      if (outcome == Outcome.ABANDONED) {
        return; // stays in flight: reported by unwritten()
      }
      inFlight = Map.of();
      inFlightBatch = null;
      inFlightFirstSeq = Long.MAX_VALUE;
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
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

  @Override
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

  @Override
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

  @Override
  public List<PendingWrite<K, V>> unwritten() {
    lock.lock();
    try {
      List<PendingWrite<K, V>> result = new ArrayList<>();
      Batch<K, V> batch = inFlightBatch;
      if (batch != null) {
        result.addAll(batch.writes());
      }
      pending.forEach((key, slot) -> result.add(new PendingWrite<>(key, slot.value, 0)));
      return result;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int depth() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int capacity() {
    return capacity;
  }
}
