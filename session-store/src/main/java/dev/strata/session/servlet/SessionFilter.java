package dev.strata.session.servlet;

import dev.strata.session.RedisSessionStore;
import dev.strata.session.SessionStore;
import dev.strata.session.SessionStoreUnavailableException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet filter that backs {@code HttpServletRequest.getSession()} with a {@link SessionStore},
 * so that any instance of an application can serve any request of a user.
 *
 * <p>Per request: the session is looked up only when the application asks for it (one Redis round
 * trip that also refreshes the idle expiry); changes are saved as a delta in one round trip just
 * before the response is committed (redirect, error, flush, or a full buffer) and again when the
 * chain returns if anything changed since. The id travels in a cookie (HttpOnly, Secure and
 * SameSite=Lax by default, named {@code __Host-SESSION} where Secure and Path=/ allow the prefix)
 * or, for API clients, in a header such as {@code X-Session-Token}. A malformed id never reaches
 * the store. When a request carries several session cookies, none is preferred: the one session
 * among them that is live in the store is used, and if several are live, none is (see {@code
 * docs/session-store-security.md}). {@code request.changeSessionId()} renames the session in the
 * store atomically. Setting the attribute {@link #PRINCIPAL_ATTRIBUTE} to a user name indexes the
 * session under that principal.
 *
 * <p>If the store is unavailable, the request fails with 503 (when the response is not committed
 * yet) and nothing is half-written.
 *
 * <p>Create it with {@link #builder(SessionStore)} for programmatic registration, or declare it in
 * {@code web.xml} with init parameters (see the README): then it builds and owns a {@link
 * RedisSessionStore} and closes it in {@link #destroy()}. Thread-safe once initialised.
 */
public final class SessionFilter implements Filter {

  /**
   * The session attribute whose value (a user name) is indexed as the session's principal, for
   * finding and invalidating all sessions of a user.
   */
  public static final String PRINCIPAL_ATTRIBUTE = "dev.strata.session.principal";

  private static final Logger LOG = LoggerFactory.getLogger(SessionFilter.class);
  private static final String FILTERED = SessionFilter.class.getName() + ".FILTERED";
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

  private @Nullable SessionStore store;
  private @Nullable SessionCookieSettings settings;
  private boolean ownsStore;

  /**
   * Creates an unconfigured filter for declaration in {@code web.xml}; {@link #init(FilterConfig)}
   * configures it from init parameters.
   */
  public SessionFilter() {}

  private SessionFilter(SessionStore store, SessionCookieSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /**
   * Starts a builder for a filter on {@code store}. The caller keeps ownership of the store.
   *
   * @param store the session store
   * @return a new builder with the defaults described on its methods
   */
  public static Builder builder(SessionStore store) {
    return new Builder(Objects.requireNonNull(store, "store must not be null"));
  }

  /**
   * Configures a filter made by the no-argument constructor from init parameters; a filter made by
   * the builder ignores them.
   *
   * @param config the filter configuration
   * @throws ServletException if a parameter is invalid or the store cannot be built
   */
  @Override
  public void init(FilterConfig config) throws ServletException {
    if (store != null) {
      return;
    }
    try {
      RedisSessionStore.Builder storeBuilder = storeBuilder(config);
      param(config, "keyPrefix", storeBuilder::keyPrefix);
      param(config, "idleTimeout", v -> storeBuilder.idleTimeout(Duration.parse(v)));
      param(config, "maxLifetime", v -> storeBuilder.maxLifetime(Duration.parse(v)));
      param(config, "commandTimeout", v -> storeBuilder.commandTimeout(Duration.parse(v)));
      param(config, "maxAttributeBytes", v -> storeBuilder.maxAttributeBytes(Integer.parseInt(v)));
      param(config, "maxSessionBytes", v -> storeBuilder.maxSessionBytes(Long.parseLong(v)));
      param(
          config,
          "maxSessionsPerPrincipal",
          v -> storeBuilder.maxSessionsPerPrincipal(Integer.parseInt(v)));
      Builder filterBuilder = new Builder(null);
      param(config, "cookieName", filterBuilder::cookieName);
      param(config, "cookiePath", filterBuilder::cookiePath);
      param(config, "cookieDomain", filterBuilder::cookieDomain);
      param(config, "cookieMaxAge", v -> filterBuilder.cookieMaxAge(Duration.parse(v)));
      param(
          config, "cookieSecure", v -> filterBuilder.cookieSecure(parseBoolean("cookieSecure", v)));
      param(
          config,
          "cookieHttpOnly",
          v -> filterBuilder.cookieHttpOnly(parseBoolean("cookieHttpOnly", v)));
      param(config, "cookieSameSite", filterBuilder::cookieSameSite);
      param(config, "headerName", filterBuilder::headerName);
      param(
          config,
          "cookieHostPrefix",
          v -> filterBuilder.cookieHostPrefix(parseBoolean("cookieHostPrefix", v)));
      param(
          config,
          "rotateIdOnLogin",
          v -> storeBuilder.rotateIdOnLogin(parseBoolean("rotateIdOnLogin", v)));
      SessionCookieSettings validated = filterBuilder.validate();
      this.store = storeBuilder.build();
      this.settings = validated;
      this.ownsStore = true;
    } catch (RuntimeException e) {
      throw new ServletException("SessionFilter configuration failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    SessionStore s = store;
    SessionCookieSettings c = settings;
    if (s == null || c == null) {
      throw new ServletException("SessionFilter used before init");
    }
    if (!(req instanceof HttpServletRequest httpRequest)
        || !(res instanceof HttpServletResponse httpResponse)
        || req.getAttribute(FILTERED) != null) {
      chain.doFilter(req, res);
      return;
    }
    req.setAttribute(FILTERED, Boolean.TRUE);
    StoreBackedRequest request = new StoreBackedRequest(httpRequest, httpResponse, s, c);
    SessionCommittingResponse response = new SessionCommittingResponse(httpResponse, request);
    try {
      try {
        chain.doFilter(request, response);
      } finally {
        req.removeAttribute(FILTERED);
      }
      if (response.sessionCommitted()) {
        request.commitSession();
      } else {
        response.commitSessionOnce();
      }
    } catch (SessionStoreUnavailableException e) {
      LOG.warn("request failed because the session store is unavailable: {}", e.getMessage());
      if (httpResponse.isCommitted()) {
        throw e;
      }
      httpResponse.reset();
      httpResponse.sendError(
          HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Session store unavailable");
    }
  }

  /** Closes the store if this filter built it from init parameters. */
  @Override
  public void destroy() {
    if (ownsStore && store != null) {
      store.close();
    }
  }

  private static RedisSessionStore.Builder storeBuilder(FilterConfig config) {
    String uri = config.getInitParameter("redisUri");
    String cluster = config.getInitParameter("redisClusterUris");
    if (uri != null && cluster != null) {
      throw new IllegalArgumentException("set either redisUri or redisClusterUris, not both");
    }
    if (uri != null) {
      return RedisSessionStore.builder(uri.trim());
    }
    if (cluster != null) {
      return RedisSessionStore.clusterBuilder(
          Arrays.stream(cluster.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList());
    }
    throw new IllegalArgumentException("init parameter redisUri or redisClusterUris is required");
  }

  private static void param(FilterConfig config, String name, Consumer<String> setter) {
    String value = config.getInitParameter(name);
    if (value != null) {
      try {
        setter.accept(value.trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "init parameter " + name + " is invalid: '" + value + "' (" + e.getMessage() + ")", e);
      }
    }
  }

  private static boolean parseBoolean(String name, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false");
    };
  }

  /** Builds a {@link SessionFilter}. Not thread-safe; the built filter is. */
  public static final class Builder {

    private final @Nullable SessionStore store;
    private String cookieName = "SESSION";
    private @Nullable String cookiePath;
    private @Nullable String cookieDomain;
    private @Nullable Duration cookieMaxAge;
    private boolean cookieSecure = true;
    private boolean cookieHttpOnly = true;
    private String cookieSameSite = "Lax";
    private @Nullable String headerName;
    private boolean cookieHostPrefix = true;

    private Builder(@Nullable SessionStore store) {
      this.store = store;
    }

    /**
     * Sets the cookie name; default {@code SESSION}.
     *
     * @param cookieName an RFC 6265 token
     * @return this builder
     */
    public Builder cookieName(String cookieName) {
      this.cookieName = cookieName;
      return this;
    }

    /**
     * Sets the cookie path; default the context path ({@code /} for the root context).
     *
     * @param cookiePath a path starting with {@code /}, or null for the default
     * @return this builder
     */
    public Builder cookiePath(@Nullable String cookiePath) {
      this.cookiePath = cookiePath;
      return this;
    }

    /**
     * Sets the cookie domain; default none (the cookie goes back only to the host that set it).
     *
     * @param cookieDomain a domain, or null for none
     * @return this builder
     */
    public Builder cookieDomain(@Nullable String cookieDomain) {
      this.cookieDomain = cookieDomain;
      return this;
    }

    /**
     * Sets the cookie Max-Age; default none (a browser-session cookie; the store's expiry still
     * applies).
     *
     * @param cookieMaxAge a positive duration, or null for a browser-session cookie
     * @return this builder
     */
    public Builder cookieMaxAge(@Nullable Duration cookieMaxAge) {
      this.cookieMaxAge = cookieMaxAge;
      return this;
    }

    /**
     * Sets the Secure attribute; default true. Turn it off only for plain-HTTP development.
     *
     * @param secure whether the cookie is sent over HTTPS only
     * @return this builder
     */
    public Builder cookieSecure(boolean secure) {
      this.cookieSecure = secure;
      return this;
    }

    /**
     * Sets the HttpOnly attribute; default true (scripts cannot read the cookie).
     *
     * @param httpOnly whether the cookie is hidden from scripts
     * @return this builder
     */
    public Builder cookieHttpOnly(boolean httpOnly) {
      this.cookieHttpOnly = httpOnly;
      return this;
    }

    /**
     * Sets the SameSite attribute; default {@code Lax}. {@code None} requires Secure.
     *
     * @param sameSite {@code Strict}, {@code Lax} or {@code None} (any case)
     * @return this builder
     */
    public Builder cookieSameSite(String sameSite) {
      this.cookieSameSite = sameSite;
      return this;
    }

    /**
     * Adds the {@code __Host-} prefix to the cookie name when the cookie qualifies (Secure, no
     * Domain, Path=/), so that browsers accept it only from this host over HTTPS; default true.
     * Turning it on renames the cookie, so clients holding the old name start a new session once.
     *
     * @param hostPrefix whether to use the prefix where allowed
     * @return this builder
     */
    public Builder cookieHostPrefix(boolean hostPrefix) {
      this.cookieHostPrefix = hostPrefix;
      return this;
    }

    /**
     * Carries the id in this request and response header instead of a cookie (for API clients);
     * default null (use the cookie). When set, cookies are neither read nor written.
     *
     * @param headerName a header name such as {@code X-Session-Token}, or null for the cookie
     * @return this builder
     */
    public Builder headerName(@Nullable String headerName) {
      this.headerName = headerName;
      return this;
    }

    /**
     * Validates the options and builds the filter.
     *
     * @return the filter
     * @throws IllegalArgumentException naming the first bad option and its value
     */
    public SessionFilter build() {
      return new SessionFilter(Objects.requireNonNull(store, "store must not be null"), validate());
    }

    SessionCookieSettings validate() {
      if (cookieName == null || !TOKEN.matcher(cookieName).matches()) {
        throw new IllegalArgumentException(
            "cookieName must be a cookie-name token but was '" + cookieName + "'");
      }
      if (cookiePath != null
          && (!cookiePath.startsWith("/") || hasControlOrSemicolon(cookiePath))) {
        throw new IllegalArgumentException(
            "cookiePath must start with / and contain no ';' or control characters but was '"
                + cookiePath
                + "'");
      }
      if (cookieDomain != null
          && (cookieDomain.isEmpty()
              || hasControlOrSemicolon(cookieDomain)
              || cookieDomain.contains(" "))) {
        throw new IllegalArgumentException(
            "cookieDomain must be a domain name but was '" + cookieDomain + "'");
      }
      if (cookieMaxAge != null && (cookieMaxAge.isNegative() || cookieMaxAge.toSeconds() < 1)) {
        throw new IllegalArgumentException(
            "cookieMaxAge must be at least 1 second but was " + cookieMaxAge);
      }
      String sameSite = normaliseSameSite(cookieSameSite);
      if (sameSite.equals("None") && !cookieSecure) {
        throw new IllegalArgumentException(
            "cookieSameSite None requires cookieSecure true but cookieSecure was false");
      }
      if (headerName != null && !TOKEN.matcher(headerName).matches()) {
        throw new IllegalArgumentException(
            "headerName must be a header-name token but was '" + headerName + "'");
      }
      return new SessionCookieSettings(
          cookieName,
          cookiePath,
          cookieDomain,
          cookieMaxAge,
          cookieSecure,
          cookieHttpOnly,
          sameSite,
          headerName,
          cookieHostPrefix);
    }

    private static String normaliseSameSite(@Nullable String value) {
      if (value != null) {
        for (String allowed : new String[] {"Strict", "Lax", "None"}) {
          if (allowed.equalsIgnoreCase(value)) {
            return allowed;
          }
        }
      }
      throw new IllegalArgumentException(
          "cookieSameSite must be Strict, Lax or None but was '" + value + "'");
    }

    private static boolean hasControlOrSemicolon(String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c == 0x7f || c == ';') {
          return true;
        }
      }
      return false;
    }
  }
}
