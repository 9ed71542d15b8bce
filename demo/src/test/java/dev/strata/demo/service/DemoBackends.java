package dev.strata.demo.service;

import dev.strata.testsupport.RedisServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.tools.Server;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the orchestrator gives the service instances, in one test JVM: a real Redis, an H2 database
 * in TCP server mode with the seeded {@code product} table, and instances of the application on
 * random ports. Closing stops the instances, H2 and Redis.
 */
final class DemoBackends implements AutoCloseable {

  static final int PRODUCTS = 200;

  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final RedisServer redis;
  private final Server h2;
  private final String jdbcUrl;
  private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

  DemoBackends() throws SQLException {
    redis = RedisServer.start();
    h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    // in-memory databases live as long as the JVM: a name of its own for each set of backends
    jdbcUrl =
        "jdbc:h2:tcp://127.0.0.1:"
            + h2.getPort()
            + "/mem:catalog"
            + DATABASES.incrementAndGet()
            + ";DB_CLOSE_DELAY=-1";
    try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE product (id BIGINT PRIMARY KEY, name VARCHAR(200) NOT NULL,"
              + " price_cents BIGINT NOT NULL, version BIGINT NOT NULL)");
      s.execute(
          "INSERT INTO product SELECT X, 'Product ' || X, 1000 + X, 1 FROM SYSTEM_RANGE(1, "
              + PRODUCTS
              + ")");
    }
  }

  /**
   * Starts an instance the way the orchestrator does, with its command-line properties.
   *
   * @return the running application context
   */
  ConfigurableApplicationContext start(String instance, String... extraArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--strata.demo.instance=" + instance,
                "--strata.redis.url=" + redis.uri(),
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=sa",
                "--spring.datasource.password=",
                "--logging.level.root=WARN"));
    args.addAll(List.of(extraArgs));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(DemoServiceApplication.class)
            .registerShutdownHook(false)
            .run(args.toArray(String[]::new));
    synchronized (instances) {
      instances.add(context);
    }
    return context;
  }

  List<ConfigurableApplicationContext> instances() {
    synchronized (instances) {
      return List.copyOf(instances);
    }
  }

  static String baseUrl(ConfigurableApplicationContext context) {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return "http://127.0.0.1:" + port;
  }

  /** Runs SQL against the shared database, bypassing every instance and cache. */
  long queryLong(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    synchronized (instances) {
      instances.forEach(ConfigurableApplicationContext::close);
      instances.clear();
    }
    h2.stop();
    redis.close();
  }
}
