package dev.strata.cache.redis;

import dev.strata.testsupport.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One load per key across nodes on a Redis Cluster of three masters: the keys spread over every
 * slot, and the end of a lease is announced by a plain PUBLISH, which the cluster broadcasts.
 */
class ManyKeysSingleFlightOnRedisClusterTest extends ManyKeysSingleFlightTest {

  private RedisCluster cluster;
  private ClusterRedisDeployment deployment;

  @BeforeAll
  void startCluster() {
    cluster = RedisCluster.start(3, 0);
    deployment = new ClusterRedisDeployment(cluster);
  }

  @AfterAll
  void stopCluster() {
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
