package dev.strata.cache.redis;

import dev.strata.testsupport.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The key isolation tests on a Redis Cluster of three masters (SCAN walks every master). */
class ComponentKeyIsolationOnRedisClusterTest extends ComponentKeyIsolationTest {

  private static RedisCluster cluster;
  private static ClusterRedisDeployment deployment;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3, 0);
    deployment = new ClusterRedisDeployment(cluster);
  }

  @AfterAll
  static void stopCluster() {
    if (deployment != null) {
      deployment.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected RedisDeployment deployment() {
    return deployment;
  }
}
