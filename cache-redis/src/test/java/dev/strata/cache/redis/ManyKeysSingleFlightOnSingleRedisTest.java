package dev.strata.cache.redis;

import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One load per key across nodes on one private redis-server. */
@WithRedis
class ManyKeysSingleFlightOnSingleRedisTest extends ManyKeysSingleFlightTest {

  private SingleRedisDeployment deployment;

  @BeforeAll
  void startRedis(RedisServer redis) {
    deployment = new SingleRedisDeployment(redis);
  }

  @AfterAll
  void closeClients() {
    if (deployment != null) {
      deployment.close();
    }
  }

  @Override
  protected RedisDeployment deployment() {
    return deployment;
  }
}
