package dev.strata.boot.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Settings of the Spring {@code CacheManager} backed by Strata ({@code strata.cache.*}). Per-cache
 * settings ({@code strata.cache.caches.<name>.*}) override {@code strata.cache.defaults.*}.
 *
 * <p>A mutable holder filled by Spring's binder; read once at startup.
 */
@ConfigurationProperties("strata.cache")
public class StrataCacheProperties {

  /** Whether Strata provides the application's CacheManager. */
  private boolean enabled = true;

  /**
   * Whether caches not listed under strata.cache.caches are created on first use with the defaults.
   * When false, only the listed caches exist.
   */
  private boolean dynamic = true;

  /**
   * Whether null results are cached (as Strata negative entries, for the negative TTL). When false,
   * caching null is refused, as Spring's allowNullValues does.
   */
  private boolean allowNullValues = true;

  /**
   * Whether puts and evictions inside a Spring-managed transaction wait for its commit (and are
   * dropped on rollback). Takes effect only when spring-tx is present.
   */
  private boolean transactionAware = true;

  /** Prefix of the Redis keys and invalidation channels of the caches. */
  private String keyPrefix = "strata";

  /**
   * Packages whose classes may be read back from Redis (besides java.lang, java.util, java.time,
   * java.math and the application's own packages). Bytes in Redis are untrusted: a value naming any
   * other class is a miss.
   */
  private List<String> trustedPackages = new ArrayList<>();

  /** Settings of every cache unless overridden per cache. */
  @NestedConfigurationProperty private CacheSpec defaults = new CacheSpec();

  /** Per-cache settings, by cache name. */
  private Map<String, CacheSpec> caches = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isDynamic() {
    return dynamic;
  }

  public void setDynamic(boolean dynamic) {
    this.dynamic = dynamic;
  }

  public boolean isAllowNullValues() {
    return allowNullValues;
  }

  public void setAllowNullValues(boolean allowNullValues) {
    this.allowNullValues = allowNullValues;
  }

  public boolean isTransactionAware() {
    return transactionAware;
  }

  public void setTransactionAware(boolean transactionAware) {
    this.transactionAware = transactionAware;
  }

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  public List<String> getTrustedPackages() {
    return trustedPackages;
  }

  public void setTrustedPackages(List<String> trustedPackages) {
    this.trustedPackages = trustedPackages;
  }

  public CacheSpec getDefaults() {
    return defaults;
  }

  public void setDefaults(CacheSpec defaults) {
    this.defaults = defaults;
  }

  public Map<String, CacheSpec> getCaches() {
    return caches;
  }

  public void setCaches(Map<String, CacheSpec> caches) {
    this.caches = caches;
  }

  /** The settings of one cache; unset values come from {@code strata.cache.defaults}. */
  public static class CacheSpec {

    /** Where entries live: auto (tiered with Redis, else local), local, redis or tiered. */
    private @Nullable CacheMode mode;

    /** How long an entry lives; unset means until evicted (local) or forever (Redis). */
    private @Nullable Duration ttl;

    /**
     * Random spread of each TTL, as a fraction from 0 to 1, so entries written together do not
     * expire together.
     */
    private @Nullable Double jitter;

    /** How long a null result is cached; 0 caches no nulls. */
    private @Nullable Duration negativeTtl;

    /** Maximum number of entries kept in this process (local mode and the local tier). */
    private @Nullable Long maximumSize;

    /**
     * How long a value copied from Redis stays in the local tier (tiered mode): the bound on
     * staleness when an invalidation message is lost.
     */
    private @Nullable Duration localTtl;

    /**
     * How long callers wait at most for a load in flight (a hung loader, a database that never
     * answers): after it, the load fails for every waiting caller and the next lookup loads again.
     * Unset means no limit.
     */
    private @Nullable Duration loadTimeout;

    /**
     * How long a fill lease lives (redis and tiered modes): one load per key across all nodes, and
     * a load that takes longer is returned but not cached. Choose it longer than the slowest load;
     * 1ms to 1h, default 10s.
     */
    private @Nullable Duration leaseDuration;

    /**
     * How long a miss waits at most for another node's load of the same key (redis and tiered
     * modes) before loading by itself; 0 to the lease duration, default 2s (or the lease duration
     * if that is shorter).
     */
    private @Nullable Duration leaseMaxWait;

    /**
     * How long the tombstone an invalidation leaves in Redis lives (redis and tiered modes); the
     * lease duration to 1d, default 60s (or the lease duration if that is longer).
     */
    private @Nullable Duration tombstoneTtl;

    /**
     * Probabilistic early refresh of loaded entries before their TTL ends (XFetch; redis and tiered
     * modes), from 0 (off, the default) to 10; 1 is the usual value, larger refreshes earlier.
     */
    private @Nullable Double earlyRefreshBeta;

    public @Nullable CacheMode getMode() {
      return mode;
    }

    public void setMode(@Nullable CacheMode mode) {
      this.mode = mode;
    }

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }

    public @Nullable Double getJitter() {
      return jitter;
    }

    public void setJitter(@Nullable Double jitter) {
      this.jitter = jitter;
    }

    public @Nullable Duration getNegativeTtl() {
      return negativeTtl;
    }

    public void setNegativeTtl(@Nullable Duration negativeTtl) {
      this.negativeTtl = negativeTtl;
    }

    public @Nullable Long getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(@Nullable Long maximumSize) {
      this.maximumSize = maximumSize;
    }

    public @Nullable Duration getLocalTtl() {
      return localTtl;
    }

    public void setLocalTtl(@Nullable Duration localTtl) {
      this.localTtl = localTtl;
    }

    public @Nullable Duration getLoadTimeout() {
      return loadTimeout;
    }

    public void setLoadTimeout(@Nullable Duration loadTimeout) {
      this.loadTimeout = loadTimeout;
    }

    public @Nullable Duration getLeaseDuration() {
      return leaseDuration;
    }

    public void setLeaseDuration(@Nullable Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
    }

    public @Nullable Duration getLeaseMaxWait() {
      return leaseMaxWait;
    }

    public void setLeaseMaxWait(@Nullable Duration leaseMaxWait) {
      this.leaseMaxWait = leaseMaxWait;
    }

    public @Nullable Duration getTombstoneTtl() {
      return tombstoneTtl;
    }

    public void setTombstoneTtl(@Nullable Duration tombstoneTtl) {
      this.tombstoneTtl = tombstoneTtl;
    }

    public @Nullable Double getEarlyRefreshBeta() {
      return earlyRefreshBeta;
    }

    public void setEarlyRefreshBeta(@Nullable Double earlyRefreshBeta) {
      this.earlyRefreshBeta = earlyRefreshBeta;
    }
  }
}
