package dev.strata.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testsupport.RedisCluster;
import dev.strata.testsupport.RedisClusterConfig;
import dev.strata.testsupport.WithRedisCluster;
import io.lettuce.core.KeyValue;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@WithRedisCluster
@RedisClusterConfig(masters = 3, replicasPerMaster = 0)
class RedisConnectorClusterTest {

  @Test
  void aClusterConnectionIsUsedLikeAStandaloneOne(RedisCluster cluster) throws Exception {
    RedisSettings settings =
        RedisSettings.clusterBuilder(cluster.seedUris()).clientName("strata-cluster").build();
    try (RedisConnector connector = RedisConnector.create(settings)) {
      assertThat(connector.isCluster()).isTrue();
      RedisConnection<String, String> connection =
          connector.connectAsync(StringCodec.UTF8, Duration.ofSeconds(5)).get();
      assertThat(connection.isCluster()).isTrue();
      // keys in different slots: Lettuce splits the MSET/MGET by slot
      connection.sync().mset(Map.of("a", "1", "b", "2", "c", "3"));
      List<KeyValue<String, String>> values = connection.async().mget("a", "b", "c").get();
      assertThat(values).extracting(KeyValue::getValue).containsExactly("1", "2", "3");
      assertThat(connection.sync().unlink("a", "b", "c")).isEqualTo(3);
    }
  }
}
