package dev.strata.session.metrics;

import dev.strata.session.SessionStore;
import dev.strata.session.SessionStoreStats;
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

  private final SessionStore store;
  private final Tags tags;

  /**
   * Creates a binder for {@code store}.
   *
   * @param store the store to observe
   * @param name the value of the {@code store} tag
   * @param extraTags further tags for every meter
   */
  public SessionStoreMetrics(SessionStore store, String name, Tag... extraTags) {
    this.store = Objects.requireNonNull(store, "store must not be null");
    this.tags =
        Tags.of("store", Objects.requireNonNull(name, "name must not be null")).and(extraTags);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(
        registry,
        "strata.session.created",
        "Sessions saved for the first time",
        SessionStoreStats::created);
    counter(
        registry,
        "strata.session.expired",
        "Loads that found a session past its expiry",
        SessionStoreStats::expired);
    counter(
        registry,
        "strata.session.invalidated",
        "Sessions invalidated explicitly",
        SessionStoreStats::invalidated);
    counter(
        registry,
        "strata.session.evicted",
        "Sessions evicted by the per-principal cap",
        SessionStoreStats::evicted);
    counter(
        registry,
        "strata.session.load.misses",
        "Loads that found no live session",
        SessionStoreStats::loadMisses);
    counter(
        registry,
        "strata.session.decode.failures",
        "Stored attribute values that could not be decoded (kept, skipped for the request)",
        SessionStoreStats::decodeFailures);
    counter(
        registry,
        "strata.session.rejected.ids",
        "Malformed session ids refused without a store call",
        SessionStoreStats::rejectedIds);
    counter(
        registry,
        "strata.session.store.failures",
        "Operations failed because the store was unavailable",
        SessionStoreStats::failures);
    counter(
        registry,
        "strata.session.size.rejections",
        "Saves refused because the stored session would exceed maxSessionBytes",
        SessionStoreStats::sizeLimitRejections);
    FunctionTimer.builder(
            "strata.session.load",
            store,
            s -> s.stats().loads(),
            s -> s.stats().loadNanos(),
            TimeUnit.NANOSECONDS)
        .description("Session loads (with the access-time refresh) that reached the store")
        .tags(tags)
        .register(registry);
    FunctionTimer.builder(
            "strata.session.save",
            store,
            s -> s.stats().saves(),
            s -> s.stats().saveNanos(),
            TimeUnit.NANOSECONDS)
        .description("Session saves")
        .tags(tags)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<SessionStoreStats> value) {
    FunctionCounter.builder(name, store, s -> value.applyAsDouble(s.stats()))
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
