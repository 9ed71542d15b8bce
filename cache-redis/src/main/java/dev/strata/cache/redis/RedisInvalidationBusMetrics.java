package dev.strata.cache.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
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
 *   <li>{@code strata.cache.invalidation.publish.failures}: publishes that failed.
 * </ul>
 *
 * <p>The meters read the bus's counters when scraped; the bus does no metric work of its own.
 * Micrometer is an optional dependency: only this class needs it. Thread-safe.
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
