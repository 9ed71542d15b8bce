package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisClusterTest {
  private static RedisCluster cluster;
  private static RedisClusterClient client;
  private static StatefulRedisClusterConnection<String, String> connection;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3, 0);
    client = RedisClusterClient.create(cluster.seedUris().stream().map(RedisURI::create).toList());
    connection = client.connect();
    connection.setTimeout(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopCluster() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    cluster.close();
  }

  @Test
  void formsWithTheSlotsSplitEvenlyAcrossMasters() {
    List<RedisClusterNode> masters = cluster.masters();

    assertThat(cluster.nodes()).hasSize(3);
    assertThat(masters).containsExactlyElementsOf(cluster.nodes());
    assertThat(cluster.replicas()).isEmpty();
    assertThat(cluster.nodeForSlot(0)).isSameAs(masters.get(0));
    assertThat(cluster.nodeForSlot(5461)).isSameAs(masters.get(1));
    assertThat(cluster.nodeForSlot(16383)).isSameAs(masters.get(2));
    for (RedisClusterNode node : cluster.nodes()) {
      assertThat(node.isMaster()).isTrue();
      assertThat((String) node.server().command("CLUSTER", "INFO")).contains("cluster_state:ok");
      assertThat(node.id()).matches("[0-9a-f]{40}");
    }
    assertThat(cluster.isInInitialLayout()).isTrue();
    assertThat(cluster.uri()).isEqualTo(cluster.seedUris().get(0));
  }

  @Test
  void aKeySetThroughAClusterClientLivesOnTheMasterOfItsSlot() {
    RedisAdvancedClusterCommands<String, String> commands = connection.sync();
    commands.set("user:42", "alice");

    RedisClusterNode owner = cluster.nodeForSlot(RedisCluster.slotOf("user:42"));

    assertThat(commands.get("user:42")).isEqualTo("alice");
    assertThat(owner.server().command("GET", "user:42")).isEqualTo("alice");
    for (RedisClusterNode other : cluster.masters()) {
      if (other != owner) {
        assertThatThrownBy(() -> other.server().command("GET", "user:42"))
            .isInstanceOf(RedisReplyException.class)
            .hasMessageStartingWith("MOVED");
      }
    }
  }

  @Test
  void bulkGetAcrossSlotsReturnsEveryValue() {
    RedisAdvancedClusterCommands<String, String> commands = connection.sync();
    Set<RedisClusterNode> owners = new HashSet<>();
    String[] keys = new String[30];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "bulk:" + i;
      commands.set(keys[i], "v" + i);
      owners.add(cluster.nodeForSlot(RedisCluster.slotOf(keys[i])));
    }

    List<KeyValue<String, String>> values = commands.mget(keys);

    assertThat(owners).hasSize(3);
    assertThat(values).hasSize(keys.length);
    for (int i = 0; i < keys.length; i++) {
      assertThat(values.get(i).getValue()).isEqualTo("v" + i);
    }
  }

  @Test
  void slotOfAgreesWithTheServer() {
    RedisServer server = cluster.nodes().get(0).server();
    for (String key :
        List.of("a", "user:1", "{user:1}.cart", "foo{}bar", "{}", "ключ", "x{y}z{w}")) {
      assertThat((long) RedisCluster.slotOf(key))
          .as(key)
          .isEqualTo(server.command("CLUSTER", "KEYSLOT", key));
    }
  }

  @Test
  void migrateSlotMovesItsKeysToAnotherMaster() {
    RedisAdvancedClusterCommands<String, String> commands = connection.sync();
    commands.set("{moving}a", "1");
    commands.set("{moving}b", "2");
    int slot = RedisCluster.slotOf("{moving}a");
    RedisClusterNode from = cluster.nodeForSlot(slot);
    RedisClusterNode to =
        cluster.masters().stream().filter(node -> node != from).findFirst().orElseThrow();

    cluster.migrateSlot(slot, to);

    assertThat(cluster.nodeForSlot(slot)).isSameAs(to);
    assertThat(to.server().command("GET", "{moving}a")).isEqualTo("1");
    assertThat(to.server().command("GET", "{moving}b")).isEqualTo("2");
    assertThat(from.server().command("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)))
        .isEqualTo(0L);
    assertThat(commands.get("{moving}a")).isEqualTo("1");
    assertThat(cluster.isInInitialLayout()).isFalse();

    cluster.migrateSlot(slot, to, from);
    assertThat(cluster.nodeForSlot(slot)).isSameAs(from);
    assertThat(cluster.isInInitialLayout()).isTrue();
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> RedisCluster.start(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("masters must be at least 1 but was 0");
    assertThatThrownBy(() -> RedisCluster.start(3, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replicasPerMaster");
    assertThatThrownBy(() -> cluster.nodeForSlot(16384))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16384");
    RedisClusterNode first = cluster.masters().get(0);
    assertThatThrownBy(() -> cluster.migrateSlot(0, first, first))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("itself");
    assertThatThrownBy(() -> cluster.failover(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no running replica");
  }
}
