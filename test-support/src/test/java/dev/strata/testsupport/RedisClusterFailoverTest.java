package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisClusterExtension.class)
@RedisClusterConfig(masters = 3, replicasPerMaster = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterFailoverTest {
  private RedisClusterClient client;
  private StatefulRedisClusterConnection<String, String> connection;

  @BeforeEach
  void connect(RedisCluster cluster) {
    client = RedisClusterClient.create(cluster.seedUris().stream().map(RedisURI::create).toList());
    client.setOptions(
        ClusterClientOptions.builder()
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
            .build());
    connection = client.connect();
    connection.setTimeout(Duration.ofSeconds(10));
  }

  @AfterEach
  void disconnect() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  @Test
  @Order(1)
  void startsAReplicaForEveryMaster(RedisCluster cluster) {
    assertThat(cluster.nodes()).hasSize(6);
    assertThat(cluster.masters()).hasSize(3);
    assertThat(cluster.replicas()).hasSize(3);
    for (RedisClusterNode master : cluster.masters()) {
      List<RedisClusterNode> replicas = cluster.replicasOf(master);
      assertThat(replicas).hasSize(1);
      assertThat(replicas.get(0).isMaster()).isFalse();
    }
  }

  @Test
  @Order(2)
  void failoverPromotesTheReplicaWithTheData(RedisCluster cluster) {
    RedisClusterNode master = cluster.masters().get(0);
    RedisClusterNode replica = cluster.replicasOf(master).get(0);
    String key = keyInSlotRangeOf(cluster, master);
    connection.sync().set(key, "kept");

    RedisClusterNode promoted = cluster.failover(0);

    assertThat(promoted).isSameAs(replica);
    assertThat(promoted.isMaster()).isTrue();
    assertThat(master.isMaster()).isFalse();
    assertThat(cluster.masters().get(0)).isSameAs(promoted);
    assertThat(promoted.server().command("GET", key)).isEqualTo("kept");
    assertThat(connection.sync().get(key)).isEqualTo("kept");
    assertThat(cluster.isInInitialLayout()).isFalse();
  }

  @Test
  @Order(3)
  void theNextTestGetsTheInitialLayoutBack(RedisCluster cluster) {
    assertThat(cluster.isInInitialLayout()).isTrue();
    assertThat(cluster.masters()).containsExactlyElementsOf(cluster.nodes().subList(0, 3));
    for (RedisClusterNode master : cluster.masters()) {
      assertThat(master.server().command("DBSIZE")).isEqualTo(0L);
    }
  }

  @Test
  @Order(4)
  void aKilledMasterIsTakenOverByItsReplica(RedisCluster cluster) {
    RedisClusterNode replica = cluster.replicasOf(cluster.masters().get(1)).get(0);
    String key = keyInSlotRangeOf(cluster, cluster.masters().get(1));

    RedisClusterNode killed = cluster.killMaster(1);
    RedisClusterNode promoted = cluster.failover(killed);

    assertThat(killed.server().isRunning()).isFalse();
    assertThat(promoted).isSameAs(replica);
    assertThat(cluster.masters()).hasSize(3).contains(promoted).doesNotContain(killed);
    for (RedisClusterNode node : cluster.nodes()) {
      if (node != killed) {
        assertThat((String) node.server().command("CLUSTER", "INFO")).contains("cluster_state:ok");
      }
    }
    // The client learns the new topology (its cached connection to the killed node is stale).
    client.refreshPartitions();
    connection.sync().set(key, "after-takeover");
    assertThat(promoted.server().command("GET", key)).isEqualTo("after-takeover");
  }

  private static String keyInSlotRangeOf(RedisCluster cluster, RedisClusterNode master) {
    for (int i = 0; ; i++) {
      String key = "key:" + i;
      if (cluster.nodeForSlot(RedisCluster.slotOf(key)) == master) {
        return key;
      }
    }
  }
}
