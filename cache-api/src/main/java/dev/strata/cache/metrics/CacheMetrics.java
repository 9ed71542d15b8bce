package dev.strata.cache.metrics;

import dev.strata.cache.Cache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Binds the statistics of any Strata {@link Cache} to a Micrometer registry. Every meter is tagged
 * {@code cache=<name>} plus the extra tags given:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>from</th></tr>
 *   <tr><td>{@code strata.cache.gets}</td><td>function counter</td><td>{@code result=hit|miss}</td>
 *       <td>hits, misses</td></tr>
 *   <tr><td>{@code strata.cache.loads}</td><td>function counter</td>
 *       <td>{@code result=success|failure}</td><td>loads that completed or threw</td></tr>
 *   <tr><td>{@code strata.cache.load.duration}</td><td>function timer</td><td></td>
 *       <td>number and total time of loads</td></tr>
 *   <tr><td>{@code strata.cache.evictions}</td><td>function counter</td><td></td>
 *       <td>entries removed for size or expiry</td></tr>
 *   <tr><td>{@code strata.cache.size}</td><td>gauge</td><td></td>
 *       <td>{@link Cache#estimatedSize()}, only for caches that can tell</td></tr>
 * </table>
 *
 * <p>Meters read {@link Cache#stats()} when the registry is scraped; nothing is added to the
 * cache's hot path. The registry holds the cache weakly, as Micrometer function meters do.
 * Thread-safe.
 *
 * <pre>{@code
 * new CacheMetrics(users, Tags.of("tier", "local")).bindTo(registry);
 * }</pre>
 */
public final class CacheMetrics implements MeterBinder {

  private final Cache<?, ?> cache;
  private final Tags tags;

  /**
   * Creates the binder.
   *
   * @param cache the cache to observe
   * @param extraTags tags added to every meter besides {@code cache}
   * @throws NullPointerException if an argument is null
   */
  public CacheMetrics(Cache<?, ?> cache, Iterable<Tag> extraTags) {
    this.cache = Objects.requireNonNull(cache, "cache must not be null");
    this.tags =
        Tags.of(Objects.requireNonNull(extraTags, "extraTags must not be null"))
            .and("cache", cache.name());
  }

  /**
   * Creates the binder with only the {@code cache} tag.
   *
   * @param cache the cache to observe
   */
  public CacheMetrics(Cache<?, ?> cache) {
    this(cache, Tags.empty());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("strata.cache.gets", cache, c -> c.stats().hitCount())
        .tags(tags)
        .tag("result", "hit")
        .description("lookups that found a value")
        .register(registry);
    FunctionCounter.builder("strata.cache.gets", cache, c -> c.stats().missCount())
        .tags(tags)
        .tag("result", "miss")
        .description("lookups that found nothing")
        .register(registry);
    FunctionCounter.builder("strata.cache.loads", cache, c -> c.stats().loadSuccessCount())
        .tags(tags)
        .tag("result", "success")
        .description("loads that completed (including those that found nothing)")
        .register(registry);
    FunctionCounter.builder("strata.cache.loads", cache, c -> c.stats().loadFailureCount())
        .tags(tags)
        .tag("result", "failure")
        .description("loads that threw")
        .register(registry);
    FunctionTimer.builder(
            "strata.cache.load.duration",
            cache,
            c -> c.stats().loadCount(),
            c -> c.stats().totalLoadTimeNanos(),
            TimeUnit.NANOSECONDS)
        .tags(tags)
        .description("time spent loading, successful or not")
        .register(registry);
    FunctionCounter.builder("strata.cache.evictions", cache, c -> c.stats().evictionCount())
        .tags(tags)
        .description("entries removed for size or expiry")
        .register(registry);
    if (cache.estimatedSize().isPresent()) {
      Gauge.builder("strata.cache.size", cache, c -> c.estimatedSize().orElse(-1))
          .tags(tags)
          .description("approximate number of entries")
          .baseUnit("entries")
          .register(registry);
    }
  }
}
