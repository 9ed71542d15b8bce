package dev.strata.cache.strategy;

import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheWriter;
import dev.strata.cache.internal.Checks;
import dev.strata.cache.spi.PendingWrite;
import dev.strata.cache.spi.WriteQueue;
import dev.strata.cache.strategy.internal.InMemoryWriteQueue;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write-behind cache: writes go to the cache at once and to a queue; a flusher thread sends them
 * to the {@link CacheWriter} in batches, so callers never wait for the database.
 *
 * <ul>
 *   <li><b>Batches</b> leave when {@code batchSize} writes wait, or when the oldest has waited
 *       {@code maxDelay}, or on {@link #flush()} and {@link #close()}. A batch calls {@link
 *       CacheWriter#writeAll(Map)} for its values and {@link CacheWriter#deleteAll} for its
 *       deletes.
 *   <li><b>Coalescing</b>: while a write to a key waits, a later write to that key replaces it and
 *       keeps its place in line: last write wins, and a delete after a put wins. Writes to a key
 *       reach the writer in the order they were made: one batch is written at a time, and a write
 *       to a key of the batch being written waits for the next one.
 *   <li><b>Retries</b>: a failed batch is retried with backoff through Resilience4j {@link Retry}
 *       (by default 5 attempts, exponential backoff from 100 ms, doubling, capped at 5 s), so the
 *       writer must be idempotent (upserts, deletes of what may be gone). A batch that still fails
 *       goes to the {@link DeadLetterHandler} with the error, and its keys are dropped from the
 *       cache so reads load what the database holds.
 *   <li><b>Bounded queue</b>: at most {@code queueCapacity} keys wait. A write to a new key when
 *       full waits for room up to {@code offerTimeout} ({@link QueueFullPolicy#BLOCK}, the default)
 *       or is refused at once ({@link QueueFullPolicy#REJECT}); either way it then throws {@link
 *       WriteBehindQueueFullException} and changes neither the queue nor the cache. A write to a
 *       key that already waits always coalesces without waiting. A write waiting for room holds no
 *       lock: writes to other keys go on.
 *   <li><b>Reads</b> see the queue: a miss on a key with a write still waiting returns that write's
 *       value (or nothing, for a delete) instead of loading a stale row from the database.
 *   <li><b>Durability</b>: a write is acknowledged when {@code put}/{@code delete} returns. {@link
 *       #flush()} returns once everything acknowledged before it was written or dead-lettered;
 *       {@link #close(Duration)} stops accepting writes, drains the queue (through retries) until
 *       its deadline and returns what it could not write ({@link #close()} waits the configured
 *       {@code closeTimeout}, 30 s by default). With the default in-memory queue, writes still
 *       queued when the process dies are lost; the durable queue of {@code strata-cache-redis}
 *       ({@link Builder#queue}) keeps them in Redis for another node.
 *   <li><b>A flusher that cannot die quietly</b>: whatever a listener or the dead-letter handler
 *       throws, {@link Error}s included, is logged and counted and the batch still ends written or
 *       dead-lettered. If the flusher stops anyway (an {@link Error} from the queue itself), every
 *       later write and {@link #flush()} throws {@link IllegalStateException} naming the cause.
 * </ul>
 *
 * <pre>{@code
 * WriteBehindCache<Long, User> users = WriteBehindCache.builder(cache, jdbcStore)
 *     .batchSize(500)
 *     .maxDelay(Duration.ofMillis(200))
 *     .queueCapacity(50_000)
 *     .whenFull(QueueFullPolicy.BLOCK, Duration.ofSeconds(5))
 *     .deadLetterHandler((writes, error) -> alert(writes, error))
 *     .build();
 * users.put(42L, user);    // cached now, written within 200 ms
 * users.delete(7L);        // invalidated now, deleted in the next batch
 * users.close();           // drains and stops
 * }</pre>
 *
 * <p>{@link #invalidate(Object)} only drops a cached copy, as on any cache; it queues nothing.
 * Thread-safe; nulls are rejected as {@link Cache} describes. Writes after {@link #close()} throw
 * {@link IllegalStateException}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class WriteBehindCache<K, V> extends KeySerializedWriteCache<K, V>
    implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBehindCache.class);

  private static final long FLUSH_CHECK_NANOS = 100_000_000L;

  private final WriteQueue<K, V> queue;
  private final Duration closeTimeout;
  private final QueueFullPolicy whenFull;
  private final long offerTimeoutNanos;
  private final WriteBehindFlusher<K, V> flusher;
  private volatile boolean closed;

  private final LongAdder accepted = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final LongAdder rejected = new LongAdder();

  private WriteBehindCache(Builder<K, V> builder) {
    super(builder.cache, builder.asyncExecutor);
    this.queue =
        builder.queue != null ? builder.queue : new InMemoryWriteQueue<>(builder.queueCapacity);
    this.whenFull = builder.whenFull;
    this.closeTimeout = builder.closeTimeout;
    this.offerTimeoutNanos = builder.offerTimeout.toNanos();
    this.flusher =
        new WriteBehindFlusher<>(
            builder.cache.name(),
            queue,
            builder.writer,
            builder.batchSize,
            builder.maxDelay.toNanos(),
            Retry.of("strata-write-behind-" + builder.cache.name(), builder.retryConfig),
            builder.deadLetterHandler,
            keys -> delegate().invalidateAll(keys));
    flusher.start();
  }

  /**
   * Starts a builder of a write-behind cache.
   *
   * @param cache the cache that holds the entries
   * @param writer writes batches to the system of record; must be idempotent
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static <K, V> Builder<K, V> builder(
      Cache<K, V> cache, CacheWriter<? super K, ? super V> writer) {
    return new Builder<>(cache, writer);
  }

  /**
   * Caches {@code value} and queues its write.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws WriteBehindQueueFullException if the queue is full; nothing changed
   * @throws IllegalStateException if this cache is closed
   */
  @Override
  public void put(K key, V value) {
    recordAndPut(key, value);
  }

  /**
   * Caches {@code value} for {@code ttl} and queues its write.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code ttl} is not positive; nothing changed
   * @throws WriteBehindQueueFullException if the queue is full; nothing changed
   * @throws IllegalStateException if this cache is closed
   */
  @Override
  public void put(K key, V value, Duration ttl) {
    recordAndPut(key, value, ttl);
  }

  /**
   * Caches and queues every entry, one after the other; when the queue fills up part way, the
   * entries before the failing one stay queued and cached.
   *
   * @throws NullPointerException if {@code entries} or a key or value in it is null; nothing
   *     changed
   * @throws WriteBehindQueueFullException if the queue is full
   * @throws IllegalStateException if this cache is closed
   */
  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    Checks.entries(entries);
    entries.forEach(this::put);
  }

  /**
   * Drops {@code key} from the cache and queues its delete.
   *
   * @param key the key to delete
   * @throws NullPointerException if {@code key} is null
   * @throws WriteBehindQueueFullException if the queue is full; nothing changed
   * @throws IllegalStateException if this cache is closed
   */
  public void delete(K key) {
    recordAndInvalidate(key);
  }

  /**
   * Deletes each of {@code keys} as {@link #delete(Object)} does.
   *
   * @param keys the keys to delete
   * @throws NullPointerException if {@code keys} or a key is null; nothing changed
   * @throws WriteBehindQueueFullException if the queue is full
   */
  public void deleteAll(Iterable<? extends K> keys) {
    Checks.keys(keys);
    for (K key : keys) {
      delete(key);
    }
  }

  /**
   * Returns the cached value of {@code key}, or on a miss the value of a write still waiting in the
   * queue, or else loads it with {@code loader}.
   */
  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(loader, "loader must not be null");
    return delegate().get(key, new QueueAwareLoader<>(queue, loader));
  }

  /** Like {@link Cache#getAll}, taking missing keys from the queue before calling the loader. */
  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(loader, "loader must not be null");
    return delegate().getAll(keys, new QueueAwareLoader<>(queue, loader));
  }

  /**
   * Waits until every write acknowledged before this call has been written (or dead-lettered),
   * sending waiting writes at once instead of after their delay.
   *
   * @throws InterruptedException if interrupted while waiting; the writes stay queued
   * @throws IllegalStateException if the flusher stopped on a failure (named as the cause)
   */
  public void flush() throws InterruptedException {
    flusher.checkAlive();
    long target = queue.requestFlush();
    while (!queue.awaitDone(target, FLUSH_CHECK_NANOS)) {
      flusher.checkAlive();
    }
  }

  /**
   * Like {@link #flush()}, waiting at most {@code timeout}.
   *
   * @param timeout the longest wait
   * @return {@code true} if everything was written or dead-lettered in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    flusher.checkAlive();
    long target = queue.requestFlush();
    return queue.awaitDone(target, timeout.toNanos());
  }

  /**
   * Returns the number of keys whose writes wait in the queue now.
   *
   * @return the queue depth (after coalescing, without the batch being written)
   */
  public int queueDepth() {
    return queue.depth();
  }

  /**
   * Returns a snapshot of the write-behind counters.
   *
   * @return the counters
   */
  public WriteBehindStats writeStats() {
    return new WriteBehindStats(
        accepted.sum(),
        coalesced.sum(),
        rejected.sum(),
        flusher.written.sum(),
        flusher.batches.sum(),
        flusher.retries.sum(),
        flusher.deadLettered.sum(),
        queue.depth(),
        flusher.callbackFailures.sum(),
        flusher.queueFailures.sum());
  }

  /**
   * Adds a listener of the flusher (for metrics).
   *
   * @param listener called from the flusher thread
   * @throws NullPointerException if {@code listener} is null
   */
  public void addListener(WriteBehindListener listener) {
    flusher.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
  }

  /**
   * Removes a listener added with {@link #addListener}.
   *
   * @param listener the listener
   */
  public void removeListener(WriteBehindListener listener) {
    flusher.listeners.remove(listener);
  }

  /**
   * Closes with the {@linkplain Builder#closeTimeout close timeout} (30 s by default), as {@link
   * #close(Duration)} does; writes not written by then are logged at ERROR level (with the
   * in-memory queue they are lost; a durable queue keeps them for another node). Idempotent.
   */
  @Override
  public void close() {
    List<QueuedWrite<K, V>> unwritten = close(closeTimeout);
    if (!unwritten.isEmpty()) {
      LOG.error(
          "cache '{}': {} writes were not written by this node before the close deadline of {}",
          name(),
          unwritten.size(),
          closeTimeout);
    }
  }

  /**
   * Stops accepting writes, writes what is queued (retrying as configured; what still fails goes to
   * the dead-letter handler) until {@code timeout} has passed, then stops the flusher, abandoning a
   * batch in flight (its retries end). An interrupt while waiting is remembered and the wait goes
   * on. Writes already refused or done are not repeated; calling it again returns what is still not
   * written.
   *
   * <p>A writer call that hangs (e.g. a database without query timeout) cannot be stopped; its
   * batch is reported as not written, although the call may still complete later.
   *
   * @param timeout the longest wait; positive
   * @return the writes not written (nor dead-lettered) by the deadline, in queue order; empty when
   *     everything acknowledged was handled
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public List<QueuedWrite<K, V>> close(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive but was " + timeout);
    }
    closed = true;
    queue.close();
    if (!flusher.join(timeout.toNanos())) {
      flusher.abandon();
    }
    queue.release();
    List<QueuedWrite<K, V>> unwritten = new ArrayList<>();
    for (PendingWrite<K, V> write : queue.unwritten()) {
      unwritten.add(new QueuedWrite<>(write.key(), write.value()));
    }
    return unwritten;
  }

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return {@code true} once closing started
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Queues the write and counts it; throws {@link WriteBehindQueueFullException} when there is no
   * room, {@link IllegalStateException} when closed.
   */
  /**
   * Queues the write and counts it; returns {@code false} to wait for room without the key's lock
   * (policy BLOCK, time left), throws {@link WriteBehindQueueFullException} when there is no room,
   * {@link IllegalStateException} when closed or when the flusher stopped.
   */
  @Override
  boolean record(K key, @Nullable V value, long startNanos) {
    flusher.checkAlive();
    WriteQueue.Offer offer = queue.offer(key, value);
    switch (offer) {
      case QUEUED -> accepted.increment();
      case COALESCED -> {
        accepted.increment();
        coalesced.increment();
      }
      case FULL -> {
        if (whenFull == QueueFullPolicy.BLOCK
            && System.nanoTime() - startNanos < offerTimeoutNanos) {
          return false;
        }
        rejected.increment();
        throw WriteBehindQueueFullException.full(
            name(),
            queue.capacity(),
            whenFull,
            whenFull == QueueFullPolicy.BLOCK ? Duration.ofNanos(offerTimeoutNanos) : null);
      }
      case CLOSED ->
          throw new IllegalStateException("write-behind cache '" + name() + "' is closed");
    }
    return true;
  }

  /** Waits for room in the queue, holding no lock, until the offer timeout of the write. */
  @Override
  void awaitRoom(long startNanos) {
    long remaining = startNanos + offerTimeoutNanos - System.nanoTime();
    if (remaining <= 0) {
      return;
    }
    try {
      queue.awaitRoom(remaining);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      rejected.increment();
      throw new WriteBehindQueueFullException(
          "interrupted while waiting for room in the write-behind queue of cache '" + name() + "'",
          e);
    }
  }

  /**
   * Builds a {@link WriteBehindCache}; validated in {@link #build()}, which starts the flusher
   * thread. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final Cache<K, V> cache;
    private final CacheWriter<? super K, ? super V> writer;
    private int batchSize = 100;
    private Duration maxDelay = Duration.ofSeconds(1);
    private int queueCapacity = 10_000;
    private QueueFullPolicy whenFull = QueueFullPolicy.BLOCK;
    private Duration offerTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private RetryConfig retryConfig =
        RetryConfig.custom()
            .maxAttempts(5)
            .intervalFunction(
                IntervalFunction.ofExponentialBackoff(
                    Duration.ofMillis(100), 2.0, Duration.ofSeconds(5)))
            .retryOnException(e -> true)
            .build();
    private @Nullable DeadLetterHandler<K, V> deadLetterHandler;
    private @Nullable WriteQueue<K, V> queue;
    private Executor asyncExecutor = ForkJoinPool.commonPool();

    private Builder(Cache<K, V> cache, CacheWriter<? super K, ? super V> writer) {
      this.cache = Objects.requireNonNull(cache, "cache must not be null");
      this.writer = Objects.requireNonNull(writer, "writer must not be null");
    }

    /**
     * Sets the most writes per batch; 100 by default.
     *
     * @param batchSize a positive number
     * @return this builder
     */
    public Builder<K, V> batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Sets the longest a write waits in the queue before a batch leaves; 1 s by default.
     *
     * @param maxDelay a positive duration
     * @return this builder
     */
    public Builder<K, V> maxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
      return this;
    }

    /**
     * Sets the most keys that may wait at once; 10,000 by default.
     *
     * @param queueCapacity a positive number
     * @return this builder
     */
    public Builder<K, V> queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * Sets what a write does when the queue is full, and how long {@link QueueFullPolicy#BLOCK}
     * waits for room; blocking for up to 10 s by default.
     *
     * @param policy block or reject
     * @param offerTimeout the longest wait for room with {@link QueueFullPolicy#BLOCK}; positive
     * @return this builder
     */
    public Builder<K, V> whenFull(QueueFullPolicy policy, Duration offerTimeout) {
      this.whenFull = policy;
      this.offerTimeout = offerTimeout;
      return this;
    }

    /**
     * Sets how long {@link WriteBehindCache#close()} writes what is queued before it stops the
     * flusher; 30 s by default.
     *
     * @param closeTimeout a positive duration
     * @return this builder
     */
    public Builder<K, V> closeTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Sets what a write does when the queue is full (keeping the offer timeout).
     *
     * @param policy block or reject
     * @return this builder
     */
    public Builder<K, V> whenFull(QueueFullPolicy policy) {
      this.whenFull = policy;
      return this;
    }

    /**
     * Sets how failed batches are retried; see the class description for the default. Every
     * exception of the writer is retried unless the configuration says otherwise.
     *
     * @param retryConfig a Resilience4j retry configuration
     * @return this builder
     */
    public Builder<K, V> retry(RetryConfig retryConfig) {
      this.retryConfig = retryConfig;
      return this;
    }

    /**
     * Sets the handler of batches that failed after every retry; the default logs them.
     *
     * @param deadLetterHandler the handler
     * @return this builder
     */
    public Builder<K, V> deadLetterHandler(DeadLetterHandler<K, V> deadLetterHandler) {
      this.deadLetterHandler =
          Objects.requireNonNull(deadLetterHandler, "deadLetterHandler must not be null");
      return this;
    }

    /**
     * Sets the queue writes wait in, e.g. the durable Redis Streams queue of {@code
     * strata-cache-redis}; an in-memory queue of {@link #queueCapacity} keys by default. The cache
     * takes the queue over: its flusher is the queue's only reader, and {@link
     * WriteBehindCache#close()} closes it. {@link #queueCapacity} does not apply to a queue set
     * here.
     *
     * @param queue the queue
     * @return this builder
     */
    public Builder<K, V> queue(WriteQueue<K, V> queue) {
      this.queue = Objects.requireNonNull(queue, "queue must not be null");
      return this;
    }

    /**
     * Sets the executor that runs the calls of the asynchronous view; the common fork-join pool by
     * default.
     *
     * @param asyncExecutor the executor
     * @return this builder
     */
    public Builder<K, V> asyncExecutor(Executor asyncExecutor) {
      this.asyncExecutor = asyncExecutor;
      return this;
    }

    /**
     * Validates the settings, builds the cache and starts its flusher thread.
     *
     * @return the write-behind cache; {@link #close() close} it to drain and stop the flusher
     * @throws IllegalArgumentException naming the setting that is out of range
     * @throws NullPointerException naming the setting that was set to null
     */
    public WriteBehindCache<K, V> build() {
      if (batchSize <= 0) {
        throw new IllegalArgumentException("batchSize must be positive but was " + batchSize);
      }
      Objects.requireNonNull(maxDelay, "maxDelay must not be null");
      if (maxDelay.isZero() || maxDelay.isNegative()) {
        throw new IllegalArgumentException("maxDelay must be positive but was " + maxDelay);
      }
      if (queueCapacity <= 0) {
        throw new IllegalArgumentException(
            "queueCapacity must be positive but was " + queueCapacity);
      }
      Objects.requireNonNull(whenFull, "whenFull must not be null");
      Objects.requireNonNull(offerTimeout, "offerTimeout must not be null");
      if (offerTimeout.isZero() || offerTimeout.isNegative()) {
        throw new IllegalArgumentException("offerTimeout must be positive but was " + offerTimeout);
      }
      Objects.requireNonNull(closeTimeout, "closeTimeout must not be null");
      if (closeTimeout.isZero() || closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must be positive but was " + closeTimeout);
      }
      Objects.requireNonNull(retryConfig, "retry must not be null");
      Objects.requireNonNull(asyncExecutor, "asyncExecutor must not be null");
      return new WriteBehindCache<>(this);
    }
  }
}
