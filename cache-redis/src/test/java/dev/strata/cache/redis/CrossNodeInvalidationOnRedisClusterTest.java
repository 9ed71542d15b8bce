package dev.strata.cache.redis;

import dev.strata.testsupport.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cross-node invalidation tests on a Redis Cluster of three masters: each node's bus holds its
 * subscriptions on whichever cluster node its client picked, and a plain {@code PUBLISH} reaches
 * them all through the cluster bus.
 */
class CrossNodeInvalidationOnRedisClusterTest extends CrossNodeInvalidationTest {

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
