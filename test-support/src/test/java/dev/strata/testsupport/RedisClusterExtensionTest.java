package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@WithRedisCluster
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterExtensionTest {
  private static RedisCluster first;

  @Test
  @Order(1)
  void injectsADefaultClusterOfThreeMasters(RedisCluster cluster) {
    first = cluster;
    assertThat(cluster.masters()).hasSize(3);
    assertThat(cluster.replicas()).isEmpty();
    cluster
        .nodeForSlot(RedisCluster.slotOf("left-behind"))
        .server()
        .command("SET", "left-behind", "x");
  }

  @Test
  @Order(2)
  void flushesBeforeEachTestAndMayChangeTheTopology(RedisCluster cluster) {
    assertThat(cluster).isSameAs(first);
    for (RedisClusterNode master : cluster.masters()) {
      assertThat(master.server().command("DBSIZE")).isEqualTo(0L);
    }
    int slot = RedisCluster.slotOf("x");
    cluster.migrateSlot(slot, cluster.masters().get((indexOfOwner(cluster, slot) + 1) % 3));
    cluster.masters().get(2).server().kill();
  }

  @Test
  @Order(3)
  void rebuildsTheInitialLayoutAfterTopologyChanges(RedisCluster cluster) {
    assertThat(cluster).isSameAs(first);
    assertThat(cluster.isInInitialLayout()).isTrue();
    for (RedisClusterNode node : cluster.nodes()) {
      assertThat((String) node.server().command("CLUSTER", "INFO")).contains("cluster_state:ok");
    }
  }

  private static int indexOfOwner(RedisCluster cluster, int slot) {
    return cluster.masters().indexOf(cluster.nodeForSlot(slot));
  }
}
