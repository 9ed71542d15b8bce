package dev.strata.boot.session;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Settings of Strata's Redis-backed HTTP sessions ({@code strata.session.*}). Unset cookie settings
 * and the timeout come from Spring Boot's {@code server.servlet.session.*}.
 *
 * <p>A mutable holder filled by Spring's binder; read once at startup.
 */
@ConfigurationProperties("strata.session")
public class StrataSessionProperties {

  /** Whether request.getSession() is backed by Strata's session store in Redis. */
  private boolean enabled = false;

  /** Idle timeout, sliding on each access; defaults to server.servlet.session.timeout, then 30m. */
  private @Nullable Duration timeout;

  /** Absolute lifetime of a session, however active. */
  private Duration maxLifetime = Duration.ofHours(12);

  /** Most sessions one principal may have at once; 0 for no limit. */
  private int maxSessionsPerPrincipal = 0;

  /** Prefix of the session keys in Redis. */
  private String keyPrefix = "strata:session";

  /** Request header that carries the session id for API clients, e.g. X-Session-Token. */
  private @Nullable String headerName;

  /** Order of the session filter; the default puts it ahead of Spring Security's filter chain. */
  private int filterOrder = Integer.MIN_VALUE + 50;

  /** Session cookie settings; each unset one comes from server.servlet.session.cookie. */
  @NestedConfigurationProperty private Cookie cookie = new Cookie();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable Duration getTimeout() {
    return timeout;
  }

  public void setTimeout(@Nullable Duration timeout) {
    this.timeout = timeout;
  }

  public Duration getMaxLifetime() {
    return maxLifetime;
  }

  public void setMaxLifetime(Duration maxLifetime) {
    this.maxLifetime = maxLifetime;
  }

  public int getMaxSessionsPerPrincipal() {
    return maxSessionsPerPrincipal;
  }

  public void setMaxSessionsPerPrincipal(int maxSessionsPerPrincipal) {
    this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
  }

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  public @Nullable String getHeaderName() {
    return headerName;
  }

  public void setHeaderName(@Nullable String headerName) {
    this.headerName = headerName;
  }

  public int getFilterOrder() {
    return filterOrder;
  }

  public void setFilterOrder(int filterOrder) {
    this.filterOrder = filterOrder;
  }

  public Cookie getCookie() {
    return cookie;
  }

  public void setCookie(Cookie cookie) {
    this.cookie = cookie;
  }

  /** Cookie settings; null means "take server.servlet.session.cookie's, else Strata's default". */
  public static class Cookie {

    /** Cookie name; default server.servlet.session.cookie.name, then SESSION. */
    private @Nullable String name;

    /** Cookie domain; default server.servlet.session.cookie.domain, then none. */
    private @Nullable String domain;

    /** Cookie path; default server.servlet.session.cookie.path, then the context path. */
    private @Nullable String path;

    /** HttpOnly flag; default server.servlet.session.cookie.http-only, then true. */
    private @Nullable Boolean httpOnly;

    /** Secure flag; default server.servlet.session.cookie.secure, then true. */
    private @Nullable Boolean secure;

    /**
     * SameSite value (Lax, Strict, None); default server.servlet.session.cookie.same-site, then
     * Lax.
     */
    private @Nullable String sameSite;

    /**
     * Max-Age of the cookie; default server.servlet.session.cookie.max-age, then a browser-session
     * cookie.
     */
    private @Nullable Duration maxAge;

    public @Nullable String getName() {
      return name;
    }

    public void setName(@Nullable String name) {
      this.name = name;
    }

    public @Nullable String getDomain() {
      return domain;
    }

    public void setDomain(@Nullable String domain) {
      this.domain = domain;
    }

    public @Nullable String getPath() {
      return path;
    }

    public void setPath(@Nullable String path) {
      this.path = path;
    }

    public @Nullable Boolean getHttpOnly() {
      return httpOnly;
    }

    public void setHttpOnly(@Nullable Boolean httpOnly) {
      this.httpOnly = httpOnly;
    }

    public @Nullable Boolean getSecure() {
      return secure;
    }

    public void setSecure(@Nullable Boolean secure) {
      this.secure = secure;
    }

    public @Nullable String getSameSite() {
      return sameSite;
    }

    public void setSameSite(@Nullable String sameSite) {
      this.sameSite = sameSite;
    }

    public @Nullable Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(@Nullable Duration maxAge) {
      this.maxAge = maxAge;
    }
  }
}
