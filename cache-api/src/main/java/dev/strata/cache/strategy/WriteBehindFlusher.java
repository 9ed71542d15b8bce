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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
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

  private static final Logger log = LoggerFactory.getLogger(WriteBehindFlusher.class);

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

  WriteBehindFlusher(
      String name,
      WriteQueue<K, V> queue,
      CacheWriter<? super K, ? super V> writer,
      int batchSize,
      long maxDelayNanos,
      Retry retry,
      DeadLetterHandler<K, V> deadLetterHandler,
      Consumer<List<K>> dropFromCache) {
    this.name = name;
    this.queue = queue;
    this.writer = writer;
    this.batchSize = batchSize;
    this.maxDelayNanos = maxDelayNanos;
    this.retry = retry;
    this.deadLetterHandler = deadLetterHandler;
    this.dropFromCache = dropFromCache;
    this.thread = new Thread(this::run, "strata-write-behind-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Waits for the flusher to end, remembering (and restoring) an interrupt. */
  void join() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (true) {
      WriteBatch<K, V> batch;
      try {
        batch = queue.takeBatch(batchSize, maxDelayNanos);
      } catch (InterruptedException e) {
        // Only close() stops the flusher; an interrupt from elsewhere must not drop writes.
        continue;
      }
      if (batch == null) {
        return;
      }
      WriteQueue.Outcome outcome = WriteQueue.Outcome.DEAD_LETTERED;
      Throwable error = null;
      try {
        error = writeBatch(batch.writes());
        outcome = error == null ? WriteQueue.Outcome.WRITTEN : WriteQueue.Outcome.DEAD_LETTERED;
      } finally {
        queue.completeBatch(batch, outcome, error);
      }
    }
  }

  /** Writes the batch; returns null when written, else the error it was dead-lettered with. */
  private Throwable writeBatch(List<PendingWrite<K, V>> batch) {
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
    long start = System.nanoTime();
    try {
      retry.executeCheckedSupplier(
          () -> {
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
      written.add(batch.size());
      batches.increment();
      long nanos = System.nanoTime() - start;
      for (WriteBehindListener listener : listeners) {
        try {
          listener.onBatchWritten(batch.size(), nanos);
        } catch (RuntimeException e) {
          log.warn("write-behind listener failed", e);
        }
      }
      return null;
    } catch (Throwable error) {
      deadLetter(batch, error, System.nanoTime() - start);
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
      } catch (RuntimeException e) {
        log.warn("write-behind listener failed", e);
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
    } catch (RuntimeException e) {
      log.warn("cache '{}': could not drop dead-lettered keys from the cache", name, e);
    }
    for (WriteBehindListener listener : listeners) {
      try {
        listener.onDeadLetter(batch.size(), nanos, error);
      } catch (RuntimeException e) {
        log.warn("write-behind listener failed", e);
      }
    }
    try {
      deadLetterHandler.onDeadLetter(List.copyOf(writes), error);
    } catch (RuntimeException e) {
      log.error("cache '{}': dead-letter handler failed", name, e);
    }
  }
}
