package dev.strata.cache.redis;

import dev.strata.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The cross-node invalidation tests on one private redis-server process. */
class CrossNodeInvalidationOnSingleRedisTest extends CrossNodeInvalidationTest {

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
