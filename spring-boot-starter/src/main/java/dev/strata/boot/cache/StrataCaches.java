package dev.strata.boot.cache;

import dev.strata.cache.Cache;
import dev.strata.cache.redis.RedisCache;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.CacheManager;

/**
 * The Spring {@link CacheManager} of Strata caches. The caches listed under {@code
 * strata.cache.caches} are built at startup (so bad settings fail it); others are built on first
 * use with the defaults unless {@code strata.cache.dynamic=false}. Each cache is a {@link
 * StrataSpringCache}, wrapped for transaction-aware puts and evictions when that is on. Closes the
 * caches it built when the application context closes. Thread-safe.
 */
public final class StrataCaches implements CacheManager, DisposableBean {

  private final StrataCacheFactory factory;
  private final boolean dynamic;
  private final Function<org.springframework.cache.Cache, org.springframework.cache.Cache>
      decorator;
  private final ConcurrentMap<String, org.springframework.cache.Cache> caches =
      new ConcurrentHashMap<>();
  private final List<Cache<String, Object>> built = Collections.synchronizedList(new ArrayList<>());
  private final List<Consumer<Cache<String, Object>>> listeners = new CopyOnWriteArrayList<>();

  StrataCaches(
      StrataCacheFactory factory,
      Collection<String> initialNames,
      boolean dynamic,
      Function<org.springframework.cache.Cache, org.springframework.cache.Cache> decorator) {
    this.factory = factory;
    this.dynamic = dynamic;
    this.decorator = decorator;
    for (String name : initialNames) {
      caches.put(name, create(name));
    }
  }

  @Override
  public org.springframework.cache.@Nullable Cache getCache(String name) {
    org.springframework.cache.Cache cache = caches.get(name);
    if (cache != null || !dynamic) {
      return cache;
    }
    return caches.computeIfAbsent(name, this::create);
  }

  @Override
  public Collection<String> getCacheNames() {
    return Collections.unmodifiableSet(caches.keySet());
  }

  /**
   * Returns the Strata caches built so far (for health and metrics).
   *
   * @return a snapshot
   */
  public List<Cache<String, Object>> strataCaches() {
    synchronized (built) {
      return List.copyOf(built);
    }
  }

  /**
   * Returns the Redis caches built so far, alone or as the shared level of a tiered cache (for the
   * health of their circuit breakers).
   *
   * @return a snapshot
   */
  public List<RedisCache<String, Object>> redisCaches() {
    return factory.redisCaches();
  }

  /**
   * Calls {@code listener} with every Strata cache built so far and every one built later (to bind
   * metrics to caches made on first use).
   *
   * @param listener called once per cache, on the thread that built it
   */
  public void onCacheBuilt(Consumer<Cache<String, Object>> listener) {
    synchronized (built) {
      listeners.add(listener);
      built.forEach(listener);
    }
  }

  private org.springframework.cache.Cache create(String name) {
    StrataSpringCache cache = factory.create(name);
    synchronized (built) {
      built.add(cache.getNativeCache());
      listeners.forEach(l -> l.accept(cache.getNativeCache()));
    }
    return decorator.apply(cache);
  }

  @Override
  public void destroy() {
    factory.close();
  }
}
