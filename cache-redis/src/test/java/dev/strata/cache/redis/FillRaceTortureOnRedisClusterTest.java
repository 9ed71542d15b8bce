package dev.strata.cache.redis;

import dev.strata.testsupport.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The fill race on a Redis Cluster of three masters: every script touches one slot. */
class FillRaceTortureOnRedisClusterTest extends FillRaceTortureTest {

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
