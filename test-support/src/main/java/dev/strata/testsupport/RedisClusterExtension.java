package dev.strata.testsupport;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit Jupiter extension that gives a test class one local {@link RedisCluster}, shaped by {@link
 * RedisClusterConfig} on the class (default: 3 masters, no replicas).
 *
 * <p>The cluster is started lazily, the first time a constructor, lifecycle or test method asks for
 * a {@code RedisCluster} parameter, shared by all tests of the (outermost) test class and closed
 * when the class finishes. Before each test, a cluster whose topology a previous test changed
 * (failover, killed or suspended node, migrated slot) is rebuilt on the same ports with {@link
 * RedisCluster#reset()}; otherwise it is flushed. Either way every test starts from an empty,
 * healthy cluster in its initial layout.
 *
 * <pre>{@code
 * @ExtendWith(RedisClusterExtension.class)
 * @RedisClusterConfig(masters = 3, replicasPerMaster = 1)
 * class MyClusterTest {
 *   @Test
 *   void survivesFailover(RedisCluster cluster) { ... cluster.failover(0) ... }
 * }
 * }</pre>
 */
public final class RedisClusterExtension implements BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisClusterExtension.class);
  private static final String KEY = "cluster";

  /** Creates the extension; JUnit does this through {@code @ExtendWith}. */
  public RedisClusterExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == RedisCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    return cluster(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    RedisCluster cluster =
        ExtensionContexts.outermostClass(context).getStore(NAMESPACE).get(KEY, RedisCluster.class);
    if (cluster == null) {
      return;
    }
    for (RedisClusterNode node : cluster.nodes()) {
      node.server().awaitPauseEnd();
    }
    if (cluster.isInInitialLayout()) {
      cluster.flushAll();
    } else {
      cluster.reset();
    }
  }

  /**
   * Returns the cluster of the test class that {@code context} belongs to, starting it if needed.
   *
   * @throws IllegalStateException when the cluster cannot be started
   */
  public static RedisCluster cluster(ExtensionContext context) {
    ExtensionContext classContext = ExtensionContexts.outermostClass(context);
    RedisClusterConfig config = findConfig(context).orElse(null);
    int masters = config == null ? 3 : config.masters();
    int replicas = config == null ? 0 : config.replicasPerMaster();
    return classContext
        .getStore(NAMESPACE)
        .computeIfAbsent(KEY, key -> RedisCluster.start(masters, replicas), RedisCluster.class);
  }

  private static Optional<RedisClusterConfig> findConfig(ExtensionContext context) {
    Optional<ExtensionContext> current = Optional.of(context);
    while (current.isPresent()) {
      Optional<Class<?>> testClass = current.get().getTestClass();
      if (testClass.isPresent()) {
        Optional<RedisClusterConfig> found =
            AnnotationSupport.findAnnotation(testClass.get(), RedisClusterConfig.class);
        if (found.isPresent()) {
          return found;
        }
      }
      current = current.get().getParent();
    }
    return Optional.empty();
  }
}
