package dev.strata.boot.session;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.session.servlet.SessionFilter;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/** Applies {@code strata.session.cookie.*}, else {@code server.servlet.session.cookie.*}. */
final class SessionCookies {

  private static final String SERVER = "server.servlet.session.cookie.";

  private SessionCookies() {}

  static SessionFilter.Builder configure(
      SessionFilter.Builder builder, StrataSessionProperties properties, Environment environment) {
    Binder binder = Binder.get(environment);
    StrataSessionProperties.Cookie cookie = properties.getCookie();
    set("name", cookie.getName(), String.class, binder, builder::cookieName);
    set("domain", cookie.getDomain(), String.class, binder, builder::cookieDomain);
    set("path", cookie.getPath(), String.class, binder, builder::cookiePath);
    set("http-only", cookie.getHttpOnly(), Boolean.class, binder, builder::cookieHttpOnly);
    set("secure", cookie.getSecure(), Boolean.class, binder, builder::cookieSecure);
    set("same-site", cookie.getSameSite(), String.class, binder, builder::cookieSameSite);
    set("max-age", cookie.getMaxAge(), Duration.class, binder, builder::cookieMaxAge);
    if (properties.getHeaderName() != null) {
      String header = properties.getHeaderName();
      try {
        builder.headerName(header);
      } catch (IllegalArgumentException e) {
        throw new StrataConfigurationException(
            "strata.session.header-name", header, e.getMessage(), null);
      }
    }
    return builder;
  }

  private static <T> void set(
      String name, @Nullable T own, Class<T> type, Binder binder, Consumer<T> setter) {
    String property = "strata.session.cookie." + name;
    T value = own;
    if (value == null) {
      property = SERVER + name;
      value = binder.bind(property, type).orElse(null);
    }
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw new StrataConfigurationException(property, String.valueOf(value), e.getMessage(), null);
    }
  }
}
