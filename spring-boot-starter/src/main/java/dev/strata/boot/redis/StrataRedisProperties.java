package dev.strata.boot.redis;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Redis connection that Strata's caches, invalidation bus, session store and health
 * check share ({@code strata.redis.*}). Every setting left unset falls back to Spring Boot's {@code
 * spring.data.redis.*} property of the same meaning, so an application configures Redis once. Redis
 * counts as configured when a URL or host is set under either prefix, or when the application has a
 * Lettuce {@code RedisClient} bean of its own.
 *
 * <p>A mutable holder filled by Spring's binder; read once at startup.
 */
@ConfigurationProperties("strata.redis")
public class StrataRedisProperties {

  /** Whether Strata uses Redis at all; false keeps every Strata part local. */
  private boolean enabled = true;

  /**
   * Redis URL such as redis://user:secret@cache.internal:6379/0 or rediss:// for TLS. Overrides
   * host, port, username, password, database and ssl.
   */
  private @Nullable String url;

  /** Redis host; defaults to spring.data.redis.host. */
  private @Nullable String host;

  /** Redis port; defaults to spring.data.redis.port, then 6379. */
  private @Nullable Integer port;

  /** User name for Redis ACL authentication; defaults to spring.data.redis.username. */
  private @Nullable String username;

  /** Password; defaults to spring.data.redis.password. Never logged. */
  private @Nullable String password;

  /** Database index; defaults to spring.data.redis.database, then 0. */
  private @Nullable Integer database;

  /** Whether to use TLS; defaults to spring.data.redis.ssl.enabled, then false. */
  private @Nullable Boolean ssl;

  /** Command timeout; defaults to spring.data.redis.timeout, then 2 seconds. */
  private @Nullable Duration timeout;

  /** Connect timeout; defaults to spring.data.redis.connect-timeout, then 10 seconds. */
  private @Nullable Duration connectTimeout;

  /** Name every connection gives itself (CLIENT SETNAME), e.g. the application's name. */
  private @Nullable String clientName;

  /**
   * Most commands queued per connection; beyond it a command fails at once instead of piling up in
   * memory. Defaults to 10000.
   */
  private @Nullable Integer requestQueueSize;

  /** Whether TLS verifies the server's certificate and host name; defaults to what the URL says. */
  private @Nullable Boolean verifyPeer;

  /**
   * Whether startup fails when the Lettuce on the class path is older than the 7.x line Strata is
   * built on (Spring Boot 4.0's dependency management picks 6.8.x; set the Maven property
   * lettuce.version to 7.7.0.RELEASE). False only logs a warning.
   */
  private boolean requireLettuce7 = true;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getUrl() {
    return url;
  }

  public void setUrl(@Nullable String url) {
    this.url = url;
  }

  public @Nullable String getHost() {
    return host;
  }

  public void setHost(@Nullable String host) {
    this.host = host;
  }

  public @Nullable Integer getPort() {
    return port;
  }

  public void setPort(@Nullable Integer port) {
    this.port = port;
  }

  public @Nullable String getUsername() {
    return username;
  }

  public void setUsername(@Nullable String username) {
    this.username = username;
  }

  public @Nullable String getPassword() {
    return password;
  }

  public void setPassword(@Nullable String password) {
    this.password = password;
  }

  public @Nullable Integer getDatabase() {
    return database;
  }

  public void setDatabase(@Nullable Integer database) {
    this.database = database;
  }

  public @Nullable Boolean getSsl() {
    return ssl;
  }

  public void setSsl(@Nullable Boolean ssl) {
    this.ssl = ssl;
  }

  public @Nullable Duration getTimeout() {
    return timeout;
  }

  public void setTimeout(@Nullable Duration timeout) {
    this.timeout = timeout;
  }

  public @Nullable Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(@Nullable Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public @Nullable String getClientName() {
    return clientName;
  }

  public void setClientName(@Nullable String clientName) {
    this.clientName = clientName;
  }

  public @Nullable Integer getRequestQueueSize() {
    return requestQueueSize;
  }

  public void setRequestQueueSize(@Nullable Integer requestQueueSize) {
    this.requestQueueSize = requestQueueSize;
  }

  public @Nullable Boolean getVerifyPeer() {
    return verifyPeer;
  }

  public void setVerifyPeer(@Nullable Boolean verifyPeer) {
    this.verifyPeer = verifyPeer;
  }

  public boolean isRequireLettuce7() {
    return requireLettuce7;
  }

  public void setRequireLettuce7(boolean requireLettuce7) {
    this.requireLettuce7 = requireLettuce7;
  }
}
