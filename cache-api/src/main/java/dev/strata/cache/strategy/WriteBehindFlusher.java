package dev.strata.cache.strategy;

import dev.strata.cache.CacheWriter;
import dev.strata.cache.spi.PendingWrite;
import dev.strata.cache.spi.SequencedCacheWriter;
import dev.strata.cache.spi.WriteBatch;
import dev.strata.cache.spi.WriteQueue;
import io.github.resilience4j.retry.Retry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flusher thread of a {@link WriteBehindCache}: takes batches from the queue, writes them with
 * retries, dead-letters what still fails, and tells the listeners. Package-private; all state it
 * shares with the cache is thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class WriteBehindFlusher<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBehindFlusher.class);

  private final String name;
  private final WriteQueue<K, V> queue;
  private final CacheWriter<? super K, ? super V> writer;
  private final int batchSize;
  private final long maxDelayNanos;
  private final Retry retry;
  private final DeadLetterHandler<K, V> deadLetterHandler;
  private final Consumer<List<K>> dropFromCache;
  private final Thread thread;

  final List<WriteBehindListener> listeners = new CopyOnWriteArrayList<>();
  final LongAdder written = new LongAdder();
  final LongAdder batches = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder callbackFailures = new LongAdder();
  final LongAdder queueFailures = new LongAdder();
  private volatile boolean abandoned;
  private volatile @Nullable Throwable failure;

  WriteBehindFlusher(
      String name,
      WriteQueue<K, V> queue,
      CacheWriter<? super K, ? super V> writer,
      int batchSize,
      long maxDelayNanos,
      Retry retry,
      @Nullable DeadLetterHandler<K, V> deadLetterHandler,
      Consumer<List<K>> dropFromCache) {
    this.name = name;
    this.queue = queue;
    this.writer = writer;
    this.batchSize = batchSize;
    this.maxDelayNanos = maxDelayNanos;
    this.retry = retry;
    this.deadLetterHandler =
        deadLetterHandler != null
            ? deadLetterHandler
            : (writes, error) ->
                LOG.error(
                    "cache '{}': {} writes could not be written after retries and were dropped",
                    name,
                    writes.size(),
                    error);
    this.dropFromCache = dropFromCache;
    this.thread = new Thread(this::run, "strata-write-behind-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Waits up to {@code timeoutNanos} for the flusher to end; an interrupt is remembered (and
   * restored) and the wait goes on.
   *
   * @return whether the flusher ended
   */
  boolean join(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    boolean interrupted = false;
    try {
      while (thread.isAlive()) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        try {
          thread.join(Math.max(1, remaining / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops the flusher at once: the batch being written is abandoned, nothing more is taken. */
  void abandon() {
    abandoned = true;
    thread.interrupt();
  }

  /**
   * Returns why the flusher stopped before its queue was closed and drained, or {@code null} while
   * it runs (or after it ended normally).
   */
  @Nullable Throwable failure() {
    return failure;
  }

  /** Throws {@link IllegalStateException} naming the cause if the flusher stopped on a failure. */
  void checkAlive() {
    Throwable stopped = failure;
    if (stopped != null) {
      throw new IllegalStateException(
          "write-behind flusher of cache '"
              + name
              + "' stopped ("
              + stopped
              + "); writes are refused because nothing would write them",
          stopped);
    }
  }

  private void run() {
    try {
      loop();
    } catch (Throwable t) {
      failure = t;
      LOG.error(
          "cache '{}': the write-behind flusher stopped; writes are refused from now on", name, t);
    }
  }

  private void loop() {
    long backoffMillis = 0;
    while (!abandoned) {
      WriteBatch<K, V> batch;
      try {
        batch = queue.takeBatch(batchSize, maxDelayNanos);
        backoffMillis = 0;
      } catch (InterruptedException e) {
        // Only close() stops the flusher; an interrupt from elsewhere must not drop writes.
        continue;
      } catch (RuntimeException e) {
        queueFailures.increment();
        backoffMillis = Math.min(1000, Math.max(10, backoffMillis * 2));
        LOG.warn(
            "cache '{}': could not take a batch from the write-behind queue ({}); again in {} ms",
            name,
            e.toString(),
            backoffMillis);
        pause(backoffMillis);
        continue;
      }
      if (batch == null) {
        return;
      }
      process(batch);
    }
  }

  private void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // abandon() interrupts; the loop checks the flag
    }
  }

  private void process(WriteBatch<K, V> batch) {
    List<PendingWrite<K, V>> writes = batch.writes();
    long start = System.nanoTime();
    Throwable error = writeBatch(writes);
    long nanos = System.nanoTime() - start;
    WriteQueue.Outcome outcome;
    if (error == null) {
      outcome = WriteQueue.Outcome.WRITTEN;
      written.add(writes.size());
      batches.increment();
      List<K> keys = keysOf(writes);
      for (WriteBehindListener listener : listeners) {
        try {
          listener.onBatchWritten(keys, nanos);
        } catch (Throwable e) {
          callbackFailed("listener", e);
        }
      }
    } else if (abandoned) {
      outcome = WriteQueue.Outcome.ABANDONED;
    } else {
      outcome = WriteQueue.Outcome.DEAD_LETTERED;
      deadLetter(writes, error, nanos);
    }
    try {
      queue.completeBatch(
          batch, outcome, outcome == WriteQueue.Outcome.DEAD_LETTERED ? error : null);
    } catch (RuntimeException e) {
      queueFailures.increment();
      LOG.warn(
          "cache '{}': could not complete a batch in the write-behind queue; it may be written"
              + " again",
          name,
          e);
    }
  }

  private void callbackFailed(String what, Throwable e) {
    callbackFailures.increment();
    LOG.error("cache '{}': write-behind {} failed; the flusher goes on", name, what, e);
  }

  private static <K> List<K> keysOf(List<? extends PendingWrite<K, ?>> writes) {
    List<K> keys = new ArrayList<>(writes.size());
    for (PendingWrite<K, ?> write : writes) {
      keys.add(write.key());
    }
    return List.copyOf(keys);
  }

  /** Writes the batch with retries; returns null when written, else the last error. */
  private @Nullable Throwable writeBatch(List<PendingWrite<K, V>> batch) {
    Map<K, V> puts = new LinkedHashMap<>();
    Map<K, Long> putSequences = new LinkedHashMap<>();
    Map<K, Long> deletes = new LinkedHashMap<>();
    boolean sequenced = writer instanceof SequencedCacheWriter;
    for (PendingWrite<K, V> write : batch) {
      sequenced &= write.sequence() > 0;
      if (write.isDelete()) {
        deletes.put(write.key(), write.sequence());
      } else {
        puts.put(write.key(), write.value());
        putSequences.put(write.key(), write.sequence());
      }
    }
    boolean useSequences = sequenced;
    boolean[] putsDone = {puts.isEmpty()};
    boolean[] failedBefore = {false};
    try {
      retry.executeCheckedSupplier(
          () -> {
            if (abandoned) {
              throw new CancellationException("the flusher was stopped at the close deadline");
            }
            if (failedBefore[0]) {
              retries.increment();
            }
            try {
              writeOnce(useSequences, puts, putSequences, deletes, putsDone);
              return null;
            } catch (Exception e) {
              failedBefore[0] = true;
              notifyRetry(batch.size(), e);
              throw e;
            }
          });
      return null;
    } catch (Throwable error) {
      return error;
    }
  }

  @SuppressWarnings("unchecked")
  private void writeOnce(
      boolean useSequences,
      Map<K, V> puts,
      Map<K, Long> putSequences,
      Map<K, Long> deletes,
      boolean[] putsDone)
      throws Exception {
    if (useSequences) {
      SequencedCacheWriter<? super K, ? super V> sequencedWriter =
          (SequencedCacheWriter<? super K, ? super V>) writer;
      if (!putsDone[0]) {
        ((SequencedCacheWriter<K, V>) sequencedWriter).writeAllSequenced(puts, putSequences);
        putsDone[0] = true;
      }
      if (!deletes.isEmpty()) {
        ((SequencedCacheWriter<K, V>) sequencedWriter).deleteAllSequenced(deletes);
      }
      return;
    }
    if (!putsDone[0]) {
      writer.writeAll(puts);
      putsDone[0] = true;
    }
    if (!deletes.isEmpty()) {
      writer.deleteAll(new ArrayList<>(deletes.keySet()));
    }
  }

  private void notifyRetry(int size, Exception error) {
    for (WriteBehindListener listener : listeners) {
      try {
        listener.onRetry(size, error);
      } catch (Throwable e) {
        callbackFailed("listener", e);
      }
    }
  }

  private void deadLetter(List<PendingWrite<K, V>> batch, Throwable error, long nanos) {
    deadLettered.add(batch.size());
    List<K> keys = new ArrayList<>(batch.size());
    List<QueuedWrite<K, V>> writes = new ArrayList<>(batch.size());
    for (PendingWrite<K, V> write : batch) {
      keys.add(write.key());
      writes.add(new QueuedWrite<>(write.key(), write.value()));
    }
    try {
      dropFromCache.accept(keys);
    } catch (Throwable e) {
      callbackFailed("drop of dead-lettered keys from the cache", e);
    }
    for (WriteBehindListener listener : listeners) {
      try {
        listener.onDeadLetter(batch.size(), nanos, error);
      } catch (Throwable e) {
        callbackFailed("listener", e);
      }
    }
    try {
      deadLetterHandler.onDeadLetter(List.copyOf(writes), error);
    } catch (Throwable e) {
      callbackFailed("dead-letter handler", e);
    }
  }
}
