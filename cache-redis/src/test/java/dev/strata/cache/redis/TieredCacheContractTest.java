package dev.strata.cache.redis;

import dev.strata.cache.Cache;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.contract.CacheContractTest;
import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.local.LocalCache;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link Cache} contract, met by a tiered cache: a {@link LocalCache} L1 over a shared L2, with
 * invalidations on a real Redis pub/sub bus. The L1 TTL is a third of the contract's short TTL, so
 * an L1 copy outlives its L2 entry by at most that much (the documented staleness bound).
 */
class TieredCacheContractTest extends CacheContractTest {

  private static RedisServer server;
  private static RedisClient client;
  private static RedisInvalidationBus bus;

  @BeforeAll
  static void startBus() {
    server = RedisServer.start();
    client = RedisClient.create(server.uri());
    bus = RedisInvalidationBus.builder(client).build();
  }

  @AfterAll
  static void stopBus() {
    if (bus != null) {
      bus.close();
    }
    if (client != null) {
      client.shutdown();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected Cache<String, String> newCache(String name, TtlPolicy ttl) {
    LocalCache<String, String> l1 = LocalCache.<String, String>builder().name(name + "-l1").build();
    return TieredCache.builder(l1, new InMemoryCache<String, String>(name, ttl))
        .bus(bus)
        .keyCodec(KeyCodec.string())
        .l1Ttl(shortTtl().dividedBy(3))
        .build();
  }

  @Override
  protected Duration shortTtl() {
    return Duration.ofMillis(300);
  }
}
