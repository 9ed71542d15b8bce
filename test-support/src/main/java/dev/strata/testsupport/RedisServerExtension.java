package dev.strata.testsupport;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension that gives a test class one private {@link RedisServer}.
 *
 * <p>The server is started lazily, the first time a constructor, lifecycle or test method asks for
 * a {@code RedisServer} parameter, and shared by all tests of the (outermost) test class, including
 * {@code @Nested} classes; it is closed when that class finishes. Before each test the server is
 * made usable again after fault tests (a killed server is restarted, a suspended one resumed, a
 * pause lifted) and flushed, so every test starts from an empty data set on the same port.
 *
 * <pre>{@code
 * @ExtendWith(RedisServerExtension.class)
 * class MyRedisTest {
 *   @Test
 *   void roundTrip(RedisServer redis) { ... RedisClient.create(redis.uri()) ... }
 * }
 * }</pre>
 *
 * <p>Thread-safety: safe with parallel test execution; tests of one class then share the server and
 * its data.
 */
public final class RedisServerExtension implements BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisServerExtension.class);
  private static final String KEY = "server";

  /** Creates the extension; JUnit does this through {@code @ExtendWith}. */
  public RedisServerExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == RedisServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    return server(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    RedisServer server =
        ExtensionContexts.outermostClass(context).getStore(NAMESPACE).get(KEY, RedisServer.class);
    if (server != null) {
      prepareForTest(server);
    }
  }

  /**
   * Returns the server of the test class that {@code context} belongs to, starting it if needed.
   *
   * @throws IllegalStateException when no server can be started
   */
  public static RedisServer server(ExtensionContext context) {
    return ExtensionContexts.outermostClass(context)
        .getStore(NAMESPACE)
        .computeIfAbsent(KEY, key -> RedisServer.start(), RedisServer.class);
  }

  static void prepareForTest(RedisServer server) {
    if (!server.isExternal()) {
      if (!server.isRunning()) {
        server.restart();
      } else if (server.isSuspended()) {
        server.resume();
      }
    }
    server.awaitPauseEnd();
    server.flushAll();
  }
}
