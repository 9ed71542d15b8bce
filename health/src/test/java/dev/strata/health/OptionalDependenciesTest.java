package dev.strata.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lettuce and HikariCP are optional: everything but their own checks works on a class path without
 * them.
 */
class OptionalDependenciesTest {

  private static URLClassLoader withoutLettuceAndHikari() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = new File(entry).getName();
      if (name.startsWith("lettuce-core")
          || name.startsWith("HikariCP")
          || name.startsWith("netty")
          || name.startsWith("reactor-core")) {
        continue;
      }
      urls.add(new File(entry).toURI().toURL());
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  @Test
  void registryEndpointAndNonOptionalChecksRunWithoutLettuceOrHikari() throws Exception {
    try (URLClassLoader loader = withoutLettuceAndHikari()) {
      assertThatThrownBy(() -> loader.loadClass("io.lettuce.core.RedisClient"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> loader.loadClass("com.zaxxer.hikari.HikariDataSource"))
          .isInstanceOf(ClassNotFoundException.class);

      Class<?> scenario = loader.loadClass(OptionalDependenciesScenario.class.getName());
      Object report = scenario.getMethod("run").invoke(null);
      assertThat(report.getClass().getMethod("status").invoke(report))
          .as(report.toString())
          .hasToString("UP");

      // The optional checks are the only classes that need them.
      assertThatThrownBy(
              () ->
                  Class.forName("dev.strata.health.check.RedisHealthCheck", true, loader)
                      .getMethods())
          .isInstanceOf(NoClassDefFoundError.class);
    }
  }
}
