package dev.strata.cache.metrics;

import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.cache.strategy.WriteBehindListener;
import dev.strata.cache.strategy.WriteBehindStats;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds the queue and flusher of a {@link WriteBehindCache} to a Micrometer registry (bind the
 * cache's own statistics with {@link CacheMetrics}). Every meter is tagged {@code cache=<name>}
 * plus the extra tags given:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code strata.cache.write.behind.queue.depth}</td><td>gauge</td><td></td>
 *       <td>writes waiting, after coalescing</td></tr>
 *   <tr><td>{@code strata.cache.write.behind.writes}</td><td>function counter</td>
 *       <td>{@code result=accepted|coalesced|rejected|written}</td><td>writes by fate</td></tr>
 *   <tr><td>{@code strata.cache.write.behind.batch.size}</td><td>distribution summary</td><td></td>
 *       <td>writes per batch written</td></tr>
 *   <tr><td>{@code strata.cache.write.behind.flush}</td><td>timer</td>
 *       <td>{@code result=success|failure}</td><td>time to write a batch, retries included
 *       (failure: dead-lettered)</td></tr>
 *   <tr><td>{@code strata.cache.write.behind.retries}</td><td>function counter</td><td></td>
 *       <td>retries of failed batches</td></tr>
 *   <tr><td>{@code strata.cache.write.behind.dead.lettered}</td><td>function counter</td><td></td>
 *       <td>writes handed to the dead-letter handler</td></tr>
 *   <tr><td>{@code strata.cache.write.behind.callback.failures}</td><td>function counter</td>
 *       <td></td><td>throwables of listeners and the dead-letter handler</td></tr>
 * </table>
 *
 * <p>Batch sizes and flush times are recorded from the flusher thread, once per batch; the writing
 * threads do no metric work. Thread-safe.
 */
public final class WriteBehindMetrics implements MeterBinder {

  private final WriteBehindCache<?, ?> cache;
  private final Tags tags;

  /**
   * Creates the binder.
   *
   * @param cache the write-behind cache to observe
   * @param extraTags tags added to every meter besides {@code cache}
   * @throws NullPointerException if an argument is null
   */
  public WriteBehindMetrics(WriteBehindCache<?, ?> cache, Iterable<Tag> extraTags) {
    this.cache = Objects.requireNonNull(cache, "cache must not be null");
    this.tags =
        Tags.of(Objects.requireNonNull(extraTags, "extraTags must not be null"))
            .and("cache", cache.name());
  }

  /**
   * Creates the binder with only the {@code cache} tag.
   *
   * @param cache the write-behind cache to observe
   */
  public WriteBehindMetrics(WriteBehindCache<?, ?> cache) {
    this(cache, Tags.empty());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("strata.cache.write.behind.queue.depth", cache, WriteBehindCache::queueDepth)
        .tags(tags)
        .description("writes waiting in the queue, after coalescing")
        .register(registry);
    writes(registry, "accepted", WriteBehindStats::accepted);
    writes(registry, "coalesced", WriteBehindStats::coalesced);
    writes(registry, "rejected", WriteBehindStats::rejected);
    writes(registry, "written", WriteBehindStats::written);
    FunctionCounter.builder(
            "strata.cache.write.behind.retries", cache, c -> c.writeStats().retries())
        .tags(tags)
        .description("retries of failed batches")
        .register(registry);
    FunctionCounter.builder(
            "strata.cache.write.behind.dead.lettered", cache, c -> c.writeStats().deadLettered())
        .tags(tags)
        .description("writes handed to the dead-letter handler")
        .register(registry);
    FunctionCounter.builder(
            "strata.cache.write.behind.callback.failures",
            cache,
            c -> c.writeStats().callbackFailures())
        .tags(tags)
        .description("exceptions and errors thrown by listeners and the dead-letter handler")
        .register(registry);
    DistributionSummary batchSize =
        DistributionSummary.builder("strata.cache.write.behind.batch.size")
            .tags(tags)
            .baseUnit("writes")
            .description("writes per batch written")
            .register(registry);
    Timer flushed =
        Timer.builder("strata.cache.write.behind.flush")
            .tags(tags)
            .tag("result", "success")
            .description("time to write a batch, retries included")
            .register(registry);
    Timer failed =
        Timer.builder("strata.cache.write.behind.flush")
            .tags(tags)
            .tag("result", "failure")
            .description("time spent on a batch that was dead-lettered")
            .register(registry);
    cache.addListener(
        new WriteBehindListener() {
          @Override
          public void onBatchWritten(List<?> keys, long nanos) {
            batchSize.record(keys.size());
            flushed.record(nanos, TimeUnit.NANOSECONDS);
          }

          @Override
          public void onDeadLetter(int writes, long nanos, Throwable error) {
            failed.record(nanos, TimeUnit.NANOSECONDS);
          }
        });
  }

  private void writes(
      MeterRegistry registry, String result, ToDoubleFunction<WriteBehindStats> count) {
    FunctionCounter.builder(
            "strata.cache.write.behind.writes", cache, c -> count.applyAsDouble(c.writeStats()))
        .tags(tags)
        .tag("result", result)
        .description("writes by what became of them")
        .register(registry);
  }
}
