package dev.strata.boot.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.boot.redis.StrataRedisAutoConfiguration;
import dev.strata.session.AttributeCodec;
import dev.strata.session.RedisSessionStore;
import dev.strata.session.SessionStore;
import dev.strata.session.servlet.SessionFilter;
import dev.strata.testsupport.RedisServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;

class StrataSessionAutoConfigurationTest {

  private static RedisServer redis;

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  StrataRedisAutoConfiguration.class, StrataSessionAutoConfiguration.class));

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void sessionsAreOffUnlessEnabled() {
    runner
        .withPropertyValues("strata.redis.url=" + redis.uri())
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(SessionStore.class);
              assertThat(context).doesNotHaveBean("strataSessionFilter");
            });
  }

  @Test
  void enabledSessionsRegisterTheStoreAndTheFilterAheadOfSecurity() {
    runner
        .withPropertyValues("strata.redis.url=" + redis.uri(), "strata.session.enabled=true")
        .run(
            context -> {
              assertThat(context).hasSingleBean(RedisSessionStore.class);
              FilterRegistrationBean<?> registration =
                  context.getBean("strataSessionFilter", FilterRegistrationBean.class);
              assertThat(registration.getFilter()).isInstanceOf(SessionFilter.class);
              assertThat(registration.getOrder()).isLessThan(-100); // Security's chain is at -100
              assertThat(context.getBean(AttributeCodec.class))
                  .isInstanceOf(SecurityContextAttributeCodec.class);
            });
  }

  @Test
  void timeoutComesFromServerServletSessionTimeoutUnlessStrataOverrides() {
    runner
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.session.enabled=true",
            "server.servlet.session.timeout=7m")
        .run(
            context ->
                assertThat(context.getBean(RedisSessionStore.class).idleTimeout()).hasMinutes(7));
    runner
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.session.enabled=true",
            "server.servlet.session.timeout=7m",
            "strata.session.timeout=3m")
        .run(
            context ->
                assertThat(context.getBean(RedisSessionStore.class).idleTimeout()).hasMinutes(3));
  }

  @Test
  void enabledSessionsWithoutRedisFailNamingTheProperty() {
    runner
        .withPropertyValues("strata.session.enabled=true")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(StrataConfigurationException.class)
                    .hasMessageContaining("strata.session.enabled"));
  }

  @Test
  void aBadCookieSettingFailsNamingTheProperty() {
    runner
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.session.enabled=true",
            "server.servlet.session.cookie.same-site=sometimes")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(StrataConfigurationException.class)
                    .hasMessageContaining("server.servlet.session.cookie.same-site")
                    .hasMessageContaining("sometimes"));
  }

  @Test
  void withoutTheSessionModuleNothingIsRegistered() {
    runner
        .withClassLoader(new FilteredClassLoader(SessionFilter.class))
        .withPropertyValues("strata.redis.url=" + redis.uri(), "strata.session.enabled=true")
        .run(context -> assertThat(context).doesNotHaveBean("strataSessionFilter"));
  }

  @Test
  void withoutSpringSecurityTheDefaultCodecIsUsed() {
    runner
        .withClassLoader(new FilteredClassLoader(SecurityContext.class))
        .withPropertyValues("strata.redis.url=" + redis.uri(), "strata.session.enabled=true")
        .run(
            context -> {
              assertThat(context).hasSingleBean(RedisSessionStore.class);
              assertThat(context).doesNotHaveBean(AttributeCodec.class);
            });
  }

  @Test
  void notInAServletApplication() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                StrataRedisAutoConfiguration.class, StrataSessionAutoConfiguration.class))
        .withPropertyValues("strata.redis.url=" + redis.uri(), "strata.session.enabled=true")
        .run(context -> assertThat(context).doesNotHaveBean(SessionStore.class));
  }

  @Test
  void theSecurityCodecRoundTripsOnlyNameAuthoritiesAndCsrfTokens() {
    SecurityContextAttributeCodec codec =
        new SecurityContextAttributeCodec(dev.strata.session.JsonAttributeCodec.defaults());
    SecurityContextImpl context =
        new SecurityContextImpl(
            UsernamePasswordAuthenticationToken.authenticated(
                "alice", "secret-password", List.of(new SimpleGrantedAuthority("ROLE_USER"))));
    byte[] bytes = codec.encode("SPRING_SECURITY_CONTEXT", context);
    assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("secret-password");
    SecurityContext read = (SecurityContext) codec.decode("SPRING_SECURITY_CONTEXT", bytes);
    assertThat(read.getAuthentication().getName()).isEqualTo("alice");
    assertThat(read.getAuthentication().isAuthenticated()).isTrue();
    assertThat(read.getAuthentication().getAuthorities())
        .extracting(a -> a.getAuthority())
        .containsExactly("ROLE_USER");

    CsrfToken token = new DefaultCsrfToken("X-CSRF", "_csrf", "t0k3n");
    CsrfToken readToken = (CsrfToken) codec.decode("csrf", codec.encode("csrf", token));
    assertThat(readToken.getToken()).isEqualTo("t0k3n");
    assertThat(codec.decode("n", codec.encode("n", 42))).isEqualTo(42);
  }
}
