package dev.strata.cache.redis.metrics;

import dev.strata.cache.redis.RedisInvalidationBus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the counts of a {@link RedisInvalidationBus} to Micrometer, tagged with {@code
 * node=<nodeId>}:
 *
 * <ul>
 *   <li>{@code strata.cache.invalidation.sent}: messages published;
 *   <li>{@code strata.cache.invalidation.received}: events of other nodes delivered;
 *   <li>{@code strata.cache.invalidation.dropped} with {@code reason=malformed}: messages dropped
 *       as malformed, and with {@code reason=echo}: this node's own messages, ignored;
 *   <li>{@code strata.cache.invalidation.gaps}: resubscriptions after which subscribers were told
 *       that events may have been missed;
 *   <li>{@code strata.cache.invalidation.publish.failures}: publishes that failed;
 *   <li>{@code strata.cache.invalidation.delay} (timer, with a percentile histogram from 100 µs to
 *       10 s): for every event of another node delivered here, the time from its publishing (on the
 *       publisher's clock) to its delivery to the subscribers (on this node's clock). This is how
 *       long another node's L1 copy may outlive the write (the only L1 staleness once the write has
 *       returned). The clocks of two machines differ by their NTP offset, which adds to or
 *       subtracts from every sample; a delay that comes out negative is recorded as 0 and counted
 *       by {@code strata.cache.invalidation.delay.clamped}.
 * </ul>
 *
 * <p>The counters read the bus's counters when scraped; the delay timer is fed by a listener that
 * {@link #bindTo} adds to the bus ({@link RedisInvalidationBus#addDeliveryDelayListener}).
 * Micrometer is an optional dependency: only this package needs it. Thread-safe.
 */
public final class RedisInvalidationBusMetrics implements MeterBinder {

  private final RedisInvalidationBus bus;
  private final Tags tags;

  /**
   * Creates a binder for a bus.
   *
   * @param bus the bus to report
   * @param extraTags tags added to every meter, besides {@code node}
   * @throws NullPointerException if an argument is null
   */
  public RedisInvalidationBusMetrics(RedisInvalidationBus bus, Iterable<Tag> extraTags) {
    this.bus = Objects.requireNonNull(bus, "bus must not be null");
    this.tags =
        Tags.of(Objects.requireNonNull(extraTags, "extraTags must not be null"))
            .and("node", bus.nodeId());
  }

  /**
   * Creates a binder for a bus, tagged only with the bus's node id.
   *
   * @param bus the bus to report
   * @throws NullPointerException if {@code bus} is null
   */
  public RedisInvalidationBusMetrics(RedisInvalidationBus bus) {
    this(bus, Tags.empty());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(
        registry,
        "strata.cache.invalidation.sent",
        "messages published",
        tags,
        RedisInvalidationBus::sentCount);
    counter(
        registry,
        "strata.cache.invalidation.received",
        "events of other nodes delivered",
        tags,
        RedisInvalidationBus::receivedCount);
    counter(
        registry,
        "strata.cache.invalidation.dropped",
        "messages dropped",
        tags.and("reason", "malformed"),
        RedisInvalidationBus::droppedMalformedCount);
    counter(
        registry,
        "strata.cache.invalidation.dropped",
        "messages dropped",
        tags.and("reason", "echo"),
        RedisInvalidationBus::echoIgnoredCount);
    counter(
        registry,
        "strata.cache.invalidation.gaps",
        "resubscriptions after which events may have been missed",
        tags,
        RedisInvalidationBus::gapCount);
    counter(
        registry,
        "strata.cache.invalidation.publish.failures",
        "publishes that failed",
        tags,
        RedisInvalidationBus::publishFailureCount);
    Timer delay =
        Timer.builder("strata.cache.invalidation.delay")
            .description("time from publishing an invalidation to its delivery on this node")
            .tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    Counter clamped =
        Counter.builder("strata.cache.invalidation.delay.clamped")
            .description("delays that came out negative (clock skew) and were recorded as 0")
            .tags(tags)
            .register(registry);
    bus.addDeliveryDelayListener(
        nanos -> {
          if (nanos < 0) {
            clamped.increment();
          }
          delay.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        });
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      Tags meterTags,
      ToDoubleFunction<RedisInvalidationBus> count) {
    FunctionCounter.builder(name, bus, count)
        .description(description)
        .tags(meterTags)
        .register(registry);
  }
}
