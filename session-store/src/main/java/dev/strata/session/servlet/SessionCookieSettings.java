package dev.strata.session.servlet;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How the filter carries the session id: in a cookie (with its attributes) or in a header.
 *
 * @param cookieName the cookie name
 * @param cookiePath the cookie path, or null for the context path ("/" for the root context)
 * @param cookieDomain the cookie domain, or null for none (host-only cookie)
 * @param cookieMaxAge the cookie lifetime, or null for a browser-session cookie
 * @param secure whether the cookie has the Secure attribute
 * @param httpOnly whether the cookie has the HttpOnly attribute
 * @param sameSite the SameSite attribute value (Strict, Lax or None)
 * @param headerName the header carrying the id instead of a cookie, or null to use the cookie
 * @param hostPrefix whether the cookie name gets the {@code __Host-} prefix where the cookie
 *     qualifies for it (Secure, no Domain, Path=/)
 */
record SessionCookieSettings(
    String cookieName,
    @Nullable String cookiePath,
    @Nullable String cookieDomain,
    @Nullable Duration cookieMaxAge,
    boolean secure,
    boolean httpOnly,
    String sameSite,
    @Nullable String headerName,
    boolean hostPrefix) {

  private static final String HOST_PREFIX = "__Host-";

  /**
   * Returns the cookie name used in a context: with the {@code __Host-} prefix when enabled and the
   * cookie is Secure, has no Domain and its path is {@code /} (a browser then accepts it only from
   * this host over HTTPS, so a sibling subdomain cannot plant one).
   */
  String effectiveName(String contextPath) {
    if (hostPrefix
        && secure
        && cookieDomain == null
        && path(contextPath).equals("/")
        && !cookieName.startsWith(HOST_PREFIX)) {
      return HOST_PREFIX + cookieName;
    }
    return cookieName;
  }

  private String path(String contextPath) {
    return cookiePath != null ? cookiePath : contextPath.isEmpty() ? "/" : contextPath;
  }

  /** Returns the Set-Cookie value carrying {@code id}. */
  String cookie(String id, String contextPath) {
    StringBuilder b =
        new StringBuilder(160).append(effectiveName(contextPath)).append('=').append(id);
    appendAttributes(b, contextPath);
    if (cookieMaxAge != null) {
      b.append("; Max-Age=").append(cookieMaxAge.toSeconds());
    }
    return b.toString();
  }

  /** Returns the Set-Cookie value that deletes the cookie. */
  String expiredCookie(String contextPath) {
    StringBuilder b = new StringBuilder(160).append(effectiveName(contextPath)).append('=');
    appendAttributes(b, contextPath);
    return b.append("; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT").toString();
  }

  private void appendAttributes(StringBuilder b, String contextPath) {
    b.append("; Path=").append(path(contextPath));
    if (cookieDomain != null) {
      b.append("; Domain=").append(cookieDomain);
    }
    if (secure) {
      b.append("; Secure");
    }
    if (httpOnly) {
      b.append("; HttpOnly");
    }
    b.append("; SameSite=").append(sameSite);
  }
}
