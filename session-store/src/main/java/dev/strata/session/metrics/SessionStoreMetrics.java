package dev.strata.session.metrics;

import dev.strata.session.SessionStore;
import dev.strata.session.SessionStoreStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link SessionStore}'s statistics to Micrometer. Meters read the store's counters
 * when scraped, so the store's hot path does nothing beyond an increment.
 *
 * <p>Meters, each tagged {@code store=<name>} and any extra tags:
 *
 * <ul>
 *   <li>{@code strata.session.created}, {@code strata.session.expired}, {@code
 *       strata.session.invalidated}, {@code strata.session.evicted}: counters of session ends and
 *       starts;
 *   <li>{@code strata.session.load} (timer; all loads that reached the store) and {@code
 *       strata.session.load.misses} (counter);
 *   <li>{@code strata.session.save} (timer);
 *   <li>{@code strata.session.decode.failures}, {@code strata.session.rejected.ids}, {@code
 *       strata.session.store.failures}: counters of undecodable attributes, malformed ids refused
 *       without a store call, and operations failed because the store was unavailable.
 * </ul>
 *
 * <p>Requires {@code micrometer-core} on the class path (an optional dependency). Thread-safe.
 */
public final class SessionStoreMetrics implements MeterBinder {

  private final SessionStoreStatistics statistics;
  private final Tags tags;

  /**
   * Creates a binder for {@code store}.
   *
   * @param store the store to observe
   * @param name the value of the {@code store} tag
   * @param extraTags further tags for every meter
   */
  public SessionStoreMetrics(SessionStore store, String name, Tag... extraTags) {
    this.statistics = Objects.requireNonNull(store, "store").statistics();
    this.tags = Tags.of("store", Objects.requireNonNull(name, "name")).and(extraTags);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(
        registry,
        "strata.session.created",
        "Sessions saved for the first time",
        SessionStoreStatistics::created);
    counter(
        registry,
        "strata.session.expired",
        "Loads that found a session past its expiry",
        SessionStoreStatistics::expired);
    counter(
        registry,
        "strata.session.invalidated",
        "Sessions invalidated explicitly",
        SessionStoreStatistics::invalidated);
    counter(
        registry,
        "strata.session.evicted",
        "Sessions evicted by the per-principal cap",
        SessionStoreStatistics::evicted);
    counter(
        registry,
        "strata.session.load.misses",
        "Loads that found no live session",
        SessionStoreStatistics::loadMisses);
    counter(
        registry,
        "strata.session.decode.failures",
        "Stored attribute values that could not be decoded and were dropped",
        SessionStoreStatistics::decodeFailures);
    counter(
        registry,
        "strata.session.rejected.ids",
        "Malformed session ids refused without a store call",
        SessionStoreStatistics::rejectedIds);
    counter(
        registry,
        "strata.session.store.failures",
        "Operations failed because the store was unavailable",
        SessionStoreStatistics::failures);
    FunctionTimer.builder(
            "strata.session.load",
            statistics,
            SessionStoreStatistics::loads,
            SessionStoreStatistics::loadNanos,
            TimeUnit.NANOSECONDS)
        .description("Session loads (with the access-time refresh) that reached the store")
        .tags(tags)
        .register(registry);
    FunctionTimer.builder(
            "strata.session.save",
            statistics,
            SessionStoreStatistics::saves,
            SessionStoreStatistics::saveNanos,
            TimeUnit.NANOSECONDS)
        .description("Session saves")
        .tags(tags)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<SessionStoreStatistics> value) {
    FunctionCounter.builder(name, statistics, value)
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
