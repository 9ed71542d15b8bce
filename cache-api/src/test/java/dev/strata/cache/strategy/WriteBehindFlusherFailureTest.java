package dev.strata.cache.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.internal.KeyLocks;
import dev.strata.cache.spi.PendingWrite;
import dev.strata.cache.spi.WriteBatch;
import dev.strata.cache.spi.WriteQueue;
import dev.strata.cache.strategy.internal.InMemoryWriteQueue;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The flusher's failure modes: throwing callbacks, a dying flusher, close deadlines, full queues.
 */
class WriteBehindFlusherFailureTest {

  private static final Duration LONG = Duration.ofHours(1);
  private static final RetryConfig QUICK_GIVE_UP =
      RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ofMillis(10)).build();
  private static final RetryConfig FOREVER =
      RetryConfig.custom().maxAttempts(1_000_000).waitDuration(LONG).build();

  @Test
  void errorsThrownByTheDeadLetterHandlerAndListenersDoNotStopTheFlusher() throws Exception {
    MapWriter writer = new MapWriter();
    writer.before =
        keys -> {
          if (keys.contains(1L)) {
            throw new IllegalStateException("row 1 is refused");
          }
        };
    AtomicInteger deadLetters = new AtomicInteger();
    try (WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("wb"), writer)
            .batchSize(1)
            .maxDelay(LONG)
            .retry(QUICK_GIVE_UP)
            .deadLetterHandler(
                (writes, error) -> {
                  deadLetters.incrementAndGet();
                  throw new AssertionError("a bug in the dead-letter handler");
                })
            .build()) {
      cache.addListener(
          new WriteBehindListener() {
            @Override
            public void onBatchWritten(List<?> keys, long nanos) {
              throw new OutOfMemoryError("a listener that runs out of memory");
            }

            @Override
            public void onDeadLetter(int writes, long nanos, Throwable error) {
              throw new StackOverflowError("a listener that overflows");
            }
          });

      cache.put(1L, "refused");
      assertThat(cache.flush(Duration.ofSeconds(30))).isTrue();
      cache.put(2L, "fine");
      assertThat(cache.flush(Duration.ofSeconds(30)))
          .as("the flusher survived the handler's and the listeners' errors")
          .isTrue();
      cache.put(3L, "fine too");
      cache.flush();

      assertThat(writer.rows).containsEntry(2L, "fine").containsEntry(3L, "fine too");
      assertThat(deadLetters).hasValue(1);
      WriteBehindStats stats = cache.writeStats();
      assertThat(stats.deadLettered()).isEqualTo(1);
      assertThat(stats.written()).isEqualTo(2);
      assertThat(stats.callbackFailures()).as("handler + 1 dead-letter + 2 written").isEqualTo(4);
    }
  }

  @Test
  void whenTheFlusherDiesAnywayWritesAndFlushFailLoudly() {
    AtomicBoolean broken = new AtomicBoolean();
    WriteQueue<Long, String> queue =
        new ForwardingQueue(new InMemoryWriteQueue<>(100)) {
          @Override
          public @Nullable WriteBatch<Long, String> takeBatch(int maxBatch, long maxDelayNanos)
              throws InterruptedException {
            if (broken.get()) {
              throw new LinkageError("a queue that cannot load a class");
            }
            return super.takeBatch(maxBatch, Math.min(maxDelayNanos, 1_000_000));
          }
        };
    WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("wb"), new MapWriter())
            .queue(queue)
            .closeTimeout(Duration.ofSeconds(1))
            .build();
    cache.put(1L, "before");
    broken.set(true);
    cache.put(2L, "wakes the flusher");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> cache.put(3L, "after"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("flusher of cache 'wb' stopped")
                    .hasMessageContaining("LinkageError")
                    .hasCauseInstanceOf(LinkageError.class));
    assertThatThrownBy(cache::flush)
        .isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(LinkageError.class);
    assertThat(cache.getIfPresent(3L)).as("a refused write changes nothing").isNull();
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> cache.close(Duration.ofSeconds(1)));
  }

  @Test
  void closeWithADeadlineStopsRetryingAndReturnsWhatWasNotWritten() {
    MapWriter writer = new MapWriter();
    writer.before =
        keys -> {
          throw new IllegalStateException("database down");
        };
    AtomicInteger deadLetters = new AtomicInteger();
    WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("wb"), writer)
            .batchSize(2)
            .maxDelay(Duration.ofMillis(1))
            .retry(FOREVER)
            .deadLetterHandler((writes, error) -> deadLetters.incrementAndGet())
            .build();
    for (long key = 1; key <= 5; key++) {
      cache.put(key, "v" + key);
    }
    List<QueuedWrite<Long, String>> unwritten =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> cache.close(Duration.ofMillis(200)));

    assertThat(unwritten)
        .containsExactlyInAnyOrder(
            new QueuedWrite<>(1L, "v1"),
            new QueuedWrite<>(2L, "v2"),
            new QueuedWrite<>(3L, "v3"),
            new QueuedWrite<>(4L, "v4"),
            new QueuedWrite<>(5L, "v5"));
    assertThat(deadLetters).as("abandoned, not dead-lettered").hasValue(0);
    assertThat(cache.isClosed()).isTrue();
    assertThatThrownBy(() -> cache.put(9L, "late")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeWithoutArgumentsHasADefaultDeadline() {
    MapWriter writer = new MapWriter();
    writer.before =
        keys -> {
          throw new IllegalStateException("database down");
        };
    WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("wb"), writer)
            .maxDelay(Duration.ofMillis(1))
            .retry(FOREVER)
            .closeTimeout(Duration.ofMillis(200))
            .build();
    cache.put(1L, "v1");
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> cache.close());
    assertThat(cache.close(Duration.ofMillis(1))).extracting(QueuedWrite::key).containsExactly(1L);
  }

  @Test
  void aWriteWaitingForRoomDoesNotBlockWritesToOtherKeysOfItsLockStripe() throws Exception {
    KeyLocks locks = new KeyLocks(64);
    assertThat(locks.lockFor(3L)).as("keys 3 and 67 share a stripe").isSameAs(locks.lockFor(67L));
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MapWriter writer = new MapWriter();
    writer.before =
        keys -> {
          if (keys.contains(1L)) {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    try (WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("wb"), writer)
            .batchSize(1)
            .maxDelay(Duration.ofMillis(1))
            .queueCapacity(1)
            .whenFull(QueueFullPolicy.BLOCK, LONG)
            .build()) {
      cache.put(1L, "in flight");
      assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
      cache.put(67L, "waiting"); // the queue is full now
      CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> cache.put(3L, "blocked"));
      await()
          .during(Duration.ofMillis(100))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !blocked.isDone());

      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () -> cache.put(67L, "coalesced while 3 waits"),
          "a write to a waiting key of the same stripe must not wait for key 3's room");

      release.countDown();
      blocked.get(30, TimeUnit.SECONDS);
      cache.flush();
      assertThat(writer.rows)
          .containsEntry(1L, "in flight")
          .containsEntry(67L, "coalesced while 3 waits")
          .containsEntry(3L, "blocked");
    }
  }

  /** A queue that forwards to another, for tests that break one method. */
  static class ForwardingQueue implements WriteQueue<Long, String> {
    private final WriteQueue<Long, String> delegate;

    ForwardingQueue(WriteQueue<Long, String> delegate) {
      this.delegate = delegate;
    }

    @Override
    public Offer offer(Long key, @Nullable String value) {
      return delegate.offer(key, value);
    }

    @Override
    public boolean awaitRoom(long timeoutNanos) throws InterruptedException {
      return delegate.awaitRoom(timeoutNanos);
    }

    @Override
    public @Nullable PendingWrite<Long, String> pendingWrite(Long key) {
      return delegate.pendingWrite(key);
    }

    @Override
    public @Nullable WriteBatch<Long, String> takeBatch(int maxBatch, long maxDelayNanos)
        throws InterruptedException {
      return delegate.takeBatch(maxBatch, maxDelayNanos);
    }

    @Override
    public void completeBatch(
        WriteBatch<Long, String> batch, Outcome outcome, @Nullable Throwable error) {
      delegate.completeBatch(batch, outcome, error);
    }

    @Override
    public long requestFlush() {
      return delegate.requestFlush();
    }

    @Override
    public boolean awaitDone(long target, long timeoutNanos) throws InterruptedException {
      return delegate.awaitDone(target, timeoutNanos);
    }

    @Override
    public void close() {
      delegate.close();
    }

    @Override
    public List<PendingWrite<Long, String>> unwritten() {
      return delegate.unwritten();
    }

    @Override
    public int depth() {
      return delegate.depth();
    }

    @Override
    public int capacity() {
      return delegate.capacity();
    }
  }
}
