package dev.strata.session.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.session.SessionStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionFilterConfigurationTest {

  private final SessionStore store =
      (SessionStore)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {SessionStore.class},
              (proxy, method, args) -> {
                throw new UnsupportedOperationException("validation never uses the store");
              });

  @Test
  void builderRejectsBadOptionsNamingThem() {
    assertThatThrownBy(() -> SessionFilter.builder(store).cookieName("bad name").build())
        .hasMessage("cookieName must be a cookie-name token but was 'bad name'");
    assertThatThrownBy(() -> SessionFilter.builder(store).cookieName("a;b").build())
        .hasMessageContaining("cookieName");
    assertThatThrownBy(() -> SessionFilter.builder(store).cookiePath("relative").build())
        .hasMessageContaining("cookiePath must start with /");
    assertThatThrownBy(() -> SessionFilter.builder(store).cookiePath("/a;Domain=evil").build())
        .hasMessageContaining("cookiePath");
    assertThatThrownBy(() -> SessionFilter.builder(store).cookieDomain("a b").build())
        .hasMessageContaining("cookieDomain");
    assertThatThrownBy(() -> SessionFilter.builder(store).cookieMaxAge(Duration.ZERO).build())
        .hasMessage("cookieMaxAge must be at least 1 second but was PT0S");
    assertThatThrownBy(() -> SessionFilter.builder(store).cookieSameSite("sometimes").build())
        .hasMessage("cookieSameSite must be Strict, Lax or None but was 'sometimes'");
    assertThatThrownBy(
            () -> SessionFilter.builder(store).cookieSameSite("None").cookieSecure(false).build())
        .hasMessageContaining("cookieSameSite None requires cookieSecure true");
    assertThatThrownBy(() -> SessionFilter.builder(store).headerName("X Token").build())
        .hasMessageContaining("headerName");
  }

  @Test
  void initParametersAreValidatedWithTheParameterNamed() {
    assertThatThrownBy(() -> new SessionFilter().init(config(Map.of())))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("redisUri or redisClusterUris is required");
    assertThatThrownBy(
            () ->
                new SessionFilter()
                    .init(config(Map.of("redisUri", "redis://127.0.0.1:1", "idleTimeout", "10"))))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("init parameter idleTimeout is invalid: '10'");
    assertThatThrownBy(
            () ->
                new SessionFilter()
                    .init(config(Map.of("redisUri", "redis://127.0.0.1:1", "cookieSecure", "yes"))))
        .hasMessageContaining("cookieSecure must be true or false");
    assertThatThrownBy(
            () ->
                new SessionFilter()
                    .init(config(Map.of("redisUri", "redis://127.0.0.1:1", "cookieName", "a b"))))
        .hasMessageContaining("cookieName must be a cookie-name token");
  }

  private static FilterConfig config(Map<String, String> parameters) {
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "session";
      }

      @Override
      public ServletContext getServletContext() {
        throw new UnsupportedOperationException();
      }

      @Override
      public String getInitParameter(String name) {
        return parameters.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(parameters.keySet());
      }
    };
  }
}
