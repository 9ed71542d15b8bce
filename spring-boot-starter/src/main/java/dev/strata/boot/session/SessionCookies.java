package dev.strata.boot.session;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.session.servlet.SessionFilter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/** Applies {@code strata.session.cookie.*}, else {@code server.servlet.session.cookie.*}. */
final class SessionCookies {

  private static final String SERVER = "server.servlet.session.cookie.";

  private SessionCookies() {}

  /**
   * Builds the filter with the cookie settings applied.
   *
   * @throws StrataConfigurationException naming the property and value the filter rejects
   */
  static SessionFilter build(
      SessionFilter.Builder builder, StrataSessionProperties properties, Environment environment) {
    Binder binder = Binder.get(environment);
    StrataSessionProperties.Cookie cookie = properties.getCookie();
    Map<String, String[]> applied = new LinkedHashMap<>();
    set("name", "cookieName", cookie.getName(), String.class, binder, builder::cookieName, applied);
    set(
        "domain",
        "cookieDomain",
        cookie.getDomain(),
        String.class,
        binder,
        builder::cookieDomain,
        applied);
    set("path", "cookiePath", cookie.getPath(), String.class, binder, builder::cookiePath, applied);
    set(
        "http-only",
        "cookieHttpOnly",
        cookie.getHttpOnly(),
        Boolean.class,
        binder,
        builder::cookieHttpOnly,
        applied);
    set(
        "secure",
        "cookieSecure",
        cookie.getSecure(),
        Boolean.class,
        binder,
        builder::cookieSecure,
        applied);
    set(
        "same-site",
        "cookieSameSite",
        cookie.getSameSite(),
        String.class,
        binder,
        builder::cookieSameSite,
        applied);
    set(
        "max-age",
        "cookieMaxAge",
        cookie.getMaxAge(),
        Duration.class,
        binder,
        builder::cookieMaxAge,
        applied);
    if (properties.getHeaderName() != null) {
      String header = properties.getHeaderName();
      try {
        builder.headerName(header);
      } catch (IllegalArgumentException e) {
        throw new StrataConfigurationException(
            "strata.session.header-name", header, e.getMessage(), null);
      }
      applied.put("headerName", new String[] {"strata.session.header-name", header});
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      for (Map.Entry<String, String[]> entry : applied.entrySet()) {
        if (message.startsWith(entry.getKey())) {
          throw new StrataConfigurationException(
              entry.getValue()[0], entry.getValue()[1], message, null);
        }
      }
      throw new StrataConfigurationException("strata.session.cookie", "", message, null);
    }
  }

  private static <T> void set(
      String name,
      String field,
      @Nullable T own,
      Class<T> type,
      Binder binder,
      Consumer<T> setter,
      Map<String, String[]> applied) {
    String property = "strata.session.cookie." + name;
    T value = own;
    if (value == null) {
      property = SERVER + name;
      value = binder.bind(property, type).orElse(null);
    }
    if (value == null) {
      return;
    }
    applied.put(field, new String[] {property, String.valueOf(value)});
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw new StrataConfigurationException(property, String.valueOf(value), e.getMessage(), null);
    }
  }
}
