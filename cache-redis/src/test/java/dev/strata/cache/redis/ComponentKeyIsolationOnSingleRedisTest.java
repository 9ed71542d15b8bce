package dev.strata.cache.redis;

import dev.strata.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The key isolation tests on one private redis-server process. */
class ComponentKeyIsolationOnSingleRedisTest extends ComponentKeyIsolationTest {

  private static RedisServer server;
  private static SingleRedisDeployment deployment;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
    deployment = new SingleRedisDeployment(server);
  }

  @AfterAll
  static void stopRedis() {
    if (deployment != null) {
      deployment.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected RedisDeployment deployment() {
    return deployment;
  }
}
