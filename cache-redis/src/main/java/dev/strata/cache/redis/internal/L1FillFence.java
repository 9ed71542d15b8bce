package dev.strata.cache.redis.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides, per key, whether a value fetched from the shared level (or loaded) may be copied into a
 * two-level cache's L1: only if no invalidation of that key (and no invalidation of everything) was
 * applied on this node since the fetch started.
 *
 * <p>A fetch {@link #open opens} a ticket before it reads the shared level, copies its value with
 * {@link #fill} and {@link Ticket#close closes} the ticket afterwards. An invalidation calls {@link
 * #invalidated} (or {@link #invalidatedAll}) and then drops the L1 copy. The check and the copy run
 * under the key's slot lock, and the invalidation moves the slot's version under the same lock, so
 * either the copy happened first (and the invalidation's drop that follows removes it) or the copy
 * is not made: no reader can find in L1, after an invalidation was applied, a value fetched before
 * it.
 *
 * <p>Exact per key: a slot exists only while a fetch of its key is open, so memory is bounded by
 * the fetches in flight, and an invalidation of one key never discards a fill of another (no
 * striping, no hash collisions). The cost is two map updates per L1 miss; an L1 hit costs nothing
 * here. Thread-safe.
 *
 * @param <K> the key type
 */
public final class L1FillFence<K> {

  private final ConcurrentHashMap<K, Slot> slots = new ConcurrentHashMap<>();
  private final AtomicLong everything = new AtomicLong();

  /** The fetches of one key in flight and the invalidations applied since the first opened. */
  private static final class Slot {
    int users; // guarded by the map's bin lock (compute)
    long version; // guarded by this

    synchronized long version() {
      return version;
    }

    synchronized void bump() {
      version++;
    }
  }

  /**
   * A fetch of one key in flight: fills with {@link L1FillFence#fill} and must be closed.
   *
   * @param <K> the key type
   */
  public static final class Ticket<K> implements AutoCloseable {
    private final L1FillFence<K> fence;
    private final K key;
    private final Slot slot;
    private final long version;
    private final long everything;
    private boolean closed;

    private Ticket(L1FillFence<K> fence, K key, Slot slot, long version, long everything) {
      this.fence = fence;
      this.key = key;
      this.slot = slot;
      this.version = version;
      this.everything = everything;
    }

    /**
     * Returns whether no invalidation of the key was applied since this ticket was opened.
     *
     * @return {@code true} while a fill would be accepted
     */
    public boolean current() {
      return slot.version() == version && fence.everything.get() == everything;
    }

    /** Ends the fetch; idempotent. Not thread-safe: one ticket belongs to one fetch. */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        fence.release(key);
      }
    }
  }

  /**
   * Opens a ticket for a fetch of {@code key}; take it before reading the shared level.
   *
   * @param key the key; not null
   * @return the ticket, to close once the fetch's fill is done
   */
  public Ticket<K> open(K key) {
    long all = everything.get();
    Slot slot =
        slots.compute(
            key,
            (k, existing) -> {
              Slot s = existing == null ? new Slot() : existing;
              s.users++;
              return s;
            });
    return new Ticket<>(this, key, slot, slot.version(), all);
  }

  /**
   * Runs {@code copy} (the L1 put) only if no invalidation of the ticket's key was applied since
   * the ticket was opened, atomically with respect to {@link #invalidated}. If everything was
   * invalidated while the copy ran, runs {@code undo} (the clear may have gone first).
   *
   * @param ticket an open ticket of this fence
   * @param copy copies the fetched value into L1; must not block for long
   * @param undo removes the key from L1
   * @return {@code true} if the copy was made and stands
   */
  public boolean fill(Ticket<K> ticket, Runnable copy, Runnable undo) {
    synchronized (ticket.slot) {
      if (!ticket.current()) {
        return false;
      }
      copy.run();
    }
    if (everything.get() != ticket.everything) {
      undo.run();
      return false;
    }
    return true;
  }

  /**
   * Records that an invalidation (or write) of {@code key} is being applied: fetches of it in
   * flight no longer fill. Call before dropping the L1 copy.
   *
   * @param key the key; not null
   */
  public void invalidated(K key) {
    Slot slot = slots.get(key);
    if (slot != null) {
      slot.bump();
    }
  }

  /** Records that every key is being invalidated. Call before clearing L1. */
  public void invalidatedAll() {
    everything.incrementAndGet();
  }

  /**
   * Returns the number of keys with a fetch in flight.
   *
   * @return the count
   */
  public int openKeys() {
    return slots.size();
  }

  private void release(K key) {
    slots.computeIfPresent(key, (k, s) -> --s.users == 0 ? null : s);
  }
}
