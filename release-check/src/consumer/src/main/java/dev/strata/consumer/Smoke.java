package dev.strata.consumer;

import dev.strata.cache.TtlPolicy;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisCache;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.RequestContext;
import dev.strata.lb.Selectors;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Uses the local cache, the Redis cache and the load balancer as a user would, and prints one line
 * per part. Argument: the URI of a Redis server.
 */
public final class Smoke {

  private Smoke() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: Smoke <redis uri>");
    }
    String where = Smoke.class.getModule().isNamed() ? "module path" : "class path";

    LocalCache<Long, String> local =
        LocalCache.<Long, String>builder()
            .name("smoke-local")
            .maximumSize(100)
            .ttl(TtlPolicy.builder().defaultTtl(Duration.ofMinutes(1)).build())
            .build();
    AtomicInteger loads = new AtomicInteger();
    local.get(1L, id -> "user-" + id + "-" + loads.incrementAndGet());
    String cached = local.get(1L, id -> "user-" + id + "-" + loads.incrementAndGet());
    check("user-1-1".equals(cached) && loads.get() == 1, "local cache: " + cached);
    System.out.println("local cache ok on the " + where);

    try (RedisCache<String, String> shared =
        RedisCache.builder(args[0])
            .name("smoke-" + where.replace(' ', '-'))
            // generous: the first commands of a cold JVM on a busy machine are slow
            .commandTimeout(Duration.ofSeconds(10))
            .build()) {
      shared.put("k", "v");
      String read = shared.getIfPresent("k");
      check("v".equals(read), "redis cache read " + read);
      shared.invalidate("k");
      check(shared.getIfPresent("k") == null, "redis cache invalidate");
    }
    System.out.println("redis cache ok on the " + where);

    EndpointPool pool = EndpointPool.create();
    pool.add(Endpoint.of("a", "10.0.0.1", 8080));
    pool.add(Endpoint.of("b", "10.0.0.2", 8080));
    LoadBalancer lb = LoadBalancer.builder(pool).selector(Selectors.roundRobin()).build();
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      Endpoint e = lb.select(RequestContext.none());
      picked.add(e.id());
      lb.complete(e, 1_000_000L, true);
    }
    check(picked.equals(Set.of("a", "b")), "load balancer picked " + picked);
    System.out.println("load balancer ok on the " + where);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("smoke check failed: " + what);
    }
  }
}
