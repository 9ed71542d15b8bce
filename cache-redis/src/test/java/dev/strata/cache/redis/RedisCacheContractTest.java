package dev.strata.cache.redis;

import dev.strata.cache.Cache;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.contract.CacheContractTest;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The cache contract, on one private redis-server. */
@WithRedis
class RedisCacheContractTest extends CacheContractTest {

  private static RedisClient client;

  @BeforeAll
  static void connect(RedisServer redis) {
    client = RedisClient.create(redis.uri());
  }

  @AfterAll
  static void disconnect() {
    client.shutdown();
  }

  @Override
  protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
    // a generous timeout: these tests check behaviour, and a busy machine must not fail them
    return RedisCache.builder(client)
        .name(name)
        .ttl(ttl)
        .commandTimeout(Duration.ofSeconds(5))
        .build();
  }
}
