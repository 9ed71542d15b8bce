package dev.strata.cache.local.internal;

import com.github.benmanes.caffeine.cache.Expiry;
import dev.strata.cache.TtlPolicy;
import java.time.Duration;

/**
 * Gives each entry the TTL of the cache's {@link TtlPolicy} when it is written (default TTL with
 * jitter, or the negative TTL for {@link AbsentValue}); reads leave the expiry unchanged. Entries
 * written with an explicit TTL get it through Caffeine's variable-expiration policy instead.
 */
final class TtlExpiry implements Expiry<Object, Object> {

  private final TtlPolicy policy;

  TtlExpiry(TtlPolicy policy) {
    this.policy = policy;
  }

  @Override
  public long expireAfterCreate(Object key, Object value, long currentTime) {
    return ttlNanos(value);
  }

  @Override
  public long expireAfterUpdate(Object key, Object value, long currentTime, long currentDuration) {
    return ttlNanos(value);
  }

  @Override
  public long expireAfterRead(Object key, Object value, long currentTime, long currentDuration) {
    return currentDuration;
  }

  private long ttlNanos(Object value) {
    Duration ttl =
        value == AbsentValue.INSTANCE ? policy.nextNegativeTtl() : policy.nextDefaultTtl();
    return ttl == null ? Long.MAX_VALUE : saturatedNanos(ttl);
  }

  private static long saturatedNanos(Duration duration) {
    return duration.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : duration.toNanos();
  }

  private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);
}
