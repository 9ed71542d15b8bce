package dev.strata.cache.redis;

import dev.strata.testsupport.RedisCluster;
import dev.strata.testsupport.RedisClusterNode;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.util.List;

/** A Redis Cluster of local redis-server processes. */
final class ClusterRedisDeployment extends RedisDeployment {

  final RedisCluster cluster;

  ClusterRedisDeployment(RedisCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  protected AbstractRedisClient newClient() {
    List<RedisURI> seeds = cluster.seedUris().stream().map(RedisURI::create).toList();
    return RedisClusterClient.create(seeds);
  }

  @Override
  void onEveryServer(String... command) {
    for (RedisClusterNode node : cluster.nodes()) {
      node.server().command(command);
    }
  }
}
