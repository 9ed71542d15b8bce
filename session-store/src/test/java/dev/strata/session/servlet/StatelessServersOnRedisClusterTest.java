package dev.strata.session.servlet;

import dev.strata.session.RedisSessionStore;
import dev.strata.session.SessionStore;
import dev.strata.testsupport.RedisCluster;
import dev.strata.testsupport.WithRedisCluster;
import org.junit.jupiter.api.BeforeEach;

/** The stateless-servers suite on a local 3-master Redis Cluster. */
@WithRedisCluster
class StatelessServersOnRedisClusterTest extends AbstractStatelessServersTest {

  private RedisCluster cluster;

  @BeforeEach
  void useCluster(RedisCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  protected SessionStore newStore() {
    return RedisSessionStore.clusterBuilder(cluster.seedUris()).build();
  }

  @Override
  protected boolean sessionKeyExists(String id) {
    String key = "strata:s:{" + id + "}";
    return Long.valueOf(1)
        .equals(cluster.nodeForSlot(RedisCluster.slotOf(key)).server().command("EXISTS", key));
  }
}
