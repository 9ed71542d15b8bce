package dev.strata.boot.lb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Endpoint pools for client-side load balancing ({@code strata.lb.*}).
 *
 * <p>A mutable holder filled by Spring's binder; read once at startup.
 */
@ConfigurationProperties("strata.lb")
public class StrataLoadBalancerProperties {

  /** Whether pools and the load-balanced RestClient are configured. */
  private boolean enabled = true;

  /** Pools by name; a request to http://name/... from a balanced RestClient uses pool 'name'. */
  private Map<String, Pool> pools = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Map<String, Pool> getPools() {
    return pools;
  }

  public void setPools(Map<String, Pool> pools) {
    this.pools = pools;
  }

  /** One pool of endpoints. */
  public static class Pool {

    /** Endpoints as host:port, optionally with a weight: host:port;weight=3. */
    private List<String> endpoints = new ArrayList<>();

    /** The load-balancing algorithm. */
    private SelectorKind selector = SelectorKind.ROUND_ROBIN;

    /**
     * How long a new or recovered endpoint ramps up its share of traffic; 0 gives it full share at
     * once.
     */
    private Duration slowStart = Duration.ZERO;

    /** Passive outlier ejection on consecutive failures. */
    @NestedConfigurationProperty private Ejection outlierEjection = new Ejection();

    /** Active health checking of the endpoints. */
    @NestedConfigurationProperty private HealthCheck healthCheck = new HealthCheck();

    /** Retry of idempotent requests on another endpoint. */
    @NestedConfigurationProperty private Retry retry = new Retry();

    public List<String> getEndpoints() {
      return endpoints;
    }

    public void setEndpoints(List<String> endpoints) {
      this.endpoints = endpoints;
    }

    public SelectorKind getSelector() {
      return selector;
    }

    public void setSelector(SelectorKind selector) {
      this.selector = selector;
    }

    public Duration getSlowStart() {
      return slowStart;
    }

    public void setSlowStart(Duration slowStart) {
      this.slowStart = slowStart;
    }

    public Ejection getOutlierEjection() {
      return outlierEjection;
    }

    public void setOutlierEjection(Ejection outlierEjection) {
      this.outlierEjection = outlierEjection;
    }

    public HealthCheck getHealthCheck() {
      return healthCheck;
    }

    public void setHealthCheck(HealthCheck healthCheck) {
      this.healthCheck = healthCheck;
    }

    public Retry getRetry() {
      return retry;
    }

    public void setRetry(Retry retry) {
      this.retry = retry;
    }
  }

  /** Outlier ejection settings. */
  public static class Ejection {

    /** Whether endpoints that fail repeatedly are ejected for a while. */
    private boolean enabled = false;

    /** Consecutive failures that eject an endpoint. */
    private int consecutiveFailures = 5;

    /** First ejection time; doubles with each ejection up to max-ejection-time. */
    private Duration baseEjectionTime = Duration.ofSeconds(30);

    /** Longest ejection time. */
    private Duration maxEjectionTime = Duration.ofMinutes(5);

    /** Most endpoints ejected at once, in percent of the pool. */
    private int maxEjectionPercent = 50;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getConsecutiveFailures() {
      return consecutiveFailures;
    }

    public void setConsecutiveFailures(int consecutiveFailures) {
      this.consecutiveFailures = consecutiveFailures;
    }

    public Duration getBaseEjectionTime() {
      return baseEjectionTime;
    }

    public void setBaseEjectionTime(Duration baseEjectionTime) {
      this.baseEjectionTime = baseEjectionTime;
    }

    public Duration getMaxEjectionTime() {
      return maxEjectionTime;
    }

    public void setMaxEjectionTime(Duration maxEjectionTime) {
      this.maxEjectionTime = maxEjectionTime;
    }

    public int getMaxEjectionPercent() {
      return maxEjectionPercent;
    }

    public void setMaxEjectionPercent(int maxEjectionPercent) {
      this.maxEjectionPercent = maxEjectionPercent;
    }
  }

  /** Active health check settings. */
  public static class HealthCheck {

    /** Whether the endpoints are probed. */
    private boolean enabled = false;

    /** HTTP path to GET (200-399 is healthy); unset probes with a TCP connect. */
    private @Nullable String path;

    /** Time between probes of an endpoint. */
    private Duration interval = Duration.ofSeconds(2);

    /** How long a probe may take; defaults to the interval. */
    private @Nullable Duration timeout;

    /** Consecutive successful probes that mark a down endpoint up. */
    private int rise = 2;

    /** Consecutive failed probes that mark an up endpoint down. */
    private int fall = 3;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable String getPath() {
      return path;
    }

    public void setPath(@Nullable String path) {
      this.path = path;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public @Nullable Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(@Nullable Duration timeout) {
      this.timeout = timeout;
    }

    public int getRise() {
      return rise;
    }

    public void setRise(int rise) {
      this.rise = rise;
    }

    public int getFall() {
      return fall;
    }

    public void setFall(int fall) {
      this.fall = fall;
    }
  }

  /** Retry settings. */
  public static class Retry {

    /**
     * Whether idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) that fail with an I/O
     * error or a 502/503/504 are sent again to another endpoint.
     */
    private boolean enabled = false;

    /** Attempts in all, the first included. */
    private int maxAttempts = 2;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }
  }
}
