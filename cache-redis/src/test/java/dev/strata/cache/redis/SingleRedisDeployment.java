package dev.strata.cache.redis;

import dev.strata.testsupport.RedisServer;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;

/** A private redis-server process. */
final class SingleRedisDeployment extends RedisDeployment {

  final RedisServer server;

  SingleRedisDeployment(RedisServer server) {
    this.server = server;
  }

  @Override
  protected AbstractRedisClient newClient() {
    return RedisClient.create(server.uri());
  }

  @Override
  void onEveryServer(String... command) {
    server.command(command);
  }
}
