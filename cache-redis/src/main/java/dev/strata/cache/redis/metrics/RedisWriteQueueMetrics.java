package dev.strata.cache.redis.metrics;

import dev.strata.cache.redis.RedisWriteQueue;
import dev.strata.cache.redis.RedisWriteQueueStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a durable {@link RedisWriteQueue} to a Micrometer registry. Every meter is tagged {@code
 * queue=<node id>} plus the extra tags given (add the queue's name there); values come from {@link
 * RedisWriteQueue#stats()}, which the queue refreshes in the background, so reading a meter does no
 * Redis call.
 *
 * <ul>
 *   <li>{@code strata.write.behind.durable.pending} (gauge): unacknowledged entries, all nodes;
 *   <li>{@code strata.write.behind.durable.oldest.age} (time gauge): age of the oldest of them;
 *   <li>{@code strata.write.behind.durable.lag} (gauge, {@code partition=<n>}): unacknowledged
 *       entries per partition;
 *   <li>{@code strata.write.behind.durable.owned.partitions} (gauge): partitions this node flushes;
 *   <li>{@code strata.write.behind.durable.owner.changes} (function counter): leases this node took
 *       (first acquisitions and takeovers);
 *   <li>{@code strata.write.behind.durable.dead.letters} (function counter): entries this node
 *       moved to a dead-letter stream;
 *   <li>{@code strata.write.behind.durable.lost.leases} (function counter): leases this node found
 *       taken by another.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class RedisWriteQueueMetrics implements MeterBinder {

  private final RedisWriteQueue<?, ?> queue;
  private final Tags tags;

  /**
   * Creates the binder.
   *
   * @param queue the queue to observe
   * @param extraTags tags added to every meter
   * @throws NullPointerException if an argument is null
   */
  public RedisWriteQueueMetrics(RedisWriteQueue<?, ?> queue, Iterable<Tag> extraTags) {
    this.queue = Objects.requireNonNull(queue, "queue must not be null");
    this.tags =
        Tags.of(Objects.requireNonNull(extraTags, "extraTags must not be null"))
            .and("queue", queue.nodeId());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "pending", "unacknowledged entries", RedisWriteQueueStats::pendingEntries);
    gauge(
        registry,
        "owned.partitions",
        "partitions this node flushes",
        RedisWriteQueueStats::ownedPartitions);
    TimeGauge.builder(
            "strata.write.behind.durable.oldest.age",
            queue,
            TimeUnit.MILLISECONDS,
            q -> q.stats().oldestPendingAgeMillis())
        .tags(tags)
        .description("age of the oldest unacknowledged entry")
        .register(registry);
    int partitions = queue.stats().lagPerPartition().size();
    for (int i = 0; i < partitions; i++) {
      int partition = i;
      Gauge.builder(
              "strata.write.behind.durable.lag",
              queue,
              q -> q.stats().lagPerPartition().get(partition))
          .tags(tags)
          .tag("partition", Integer.toString(partition))
          .description("unacknowledged entries of the partition")
          .register(registry);
    }
    counter(registry, "owner.changes", "leases taken", RedisWriteQueueStats::ownerChanges);
    counter(registry, "dead.letters", "entries dead-lettered", RedisWriteQueueStats::deadLetters);
    counter(
        registry, "lost.leases", "leases lost to another node", RedisWriteQueueStats::lostLeases);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<RedisWriteQueueStats> value) {
    Gauge.builder("strata.write.behind.durable." + name, queue, q -> value.applyAsDouble(q.stats()))
        .tags(tags)
        .description(description)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<RedisWriteQueueStats> value) {
    FunctionCounter.builder(
            "strata.write.behind.durable." + name, queue, q -> value.applyAsDouble(q.stats()))
        .tags(tags)
        .description(description)
        .register(registry);
  }
}
