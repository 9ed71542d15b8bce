package dev.strata.cache.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.contract.InMemoryCache;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A refresh-ahead reload that read its value before a write never puts that value back. */
class ReadThroughRefreshRaceTest {

  private final ExecutorService refresher = Executors.newSingleThreadExecutor();
  private final MutableClock clock = new MutableClock();
  private final InMemoryCache<String, String> memory = new InMemoryCache<>("race");
  private final CountDownLatch reloadRead = new CountDownLatch(1);
  private final CountDownLatch finishReload = new CountDownLatch(1);
  private final AtomicInteger loads = new AtomicInteger();

  @AfterEach
  void stop() {
    finishReload.countDown();
    refresher.shutdownNow();
  }

  /** The first load reads v1; the reload also reads v1, then waits before it returns. */
  private ReadThroughCache<String, String> cacheWhoseReloadReadsV1() throws Exception {
    CacheLoader<String, String> loader =
        key -> {
          if (loads.incrementAndGet() == 1) {
            return "v1";
          }
          reloadRead.countDown();
          assertThat(finishReload.await(30, TimeUnit.SECONDS)).isTrue();
          return "v1";
        };
    ReadThroughCache<String, String> cache =
        ReadThroughCache.builder(memory, loader)
            .refreshAfter(Duration.ofMinutes(1))
            .ttl(Duration.ofMinutes(5))
            .refreshExecutor(refresher)
            .clock(clock)
            .build();
    assertThat(cache.get("k")).isEqualTo("v1");
    clock.advance(Duration.ofMinutes(2));
    assertThat(cache.get("k")).isEqualTo("v1");
    assertThat(reloadRead.await(10, TimeUnit.SECONDS)).isTrue();
    return cache;
  }

  private void letTheReloadFinish() throws Exception {
    finishReload.countDown();
    refresher.submit(() -> {}).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReloadDoesNotResurrectAValueInvalidatedWhileItRan() throws Exception {
    ReadThroughCache<String, String> cache = cacheWhoseReloadReadsV1();

    cache.put("k", "v2");
    cache.invalidate("k");
    letTheReloadFinish();

    assertThat(memory.getIfPresent("k")).isNull();
    assertThat(loads).hasValue(2);
  }

  @Test
  void aReloadDoesNotOverwriteAValuePutWhileItRan() throws Exception {
    ReadThroughCache<String, String> cache = cacheWhoseReloadReadsV1();

    cache.put("k", "v2");
    letTheReloadFinish();

    assertThat(memory.getIfPresent("k")).isEqualTo("v2");
  }

  @Test
  void aReloadDoesNotResurrectAfterABulkOrFullInvalidation() throws Exception {
    ReadThroughCache<String, String> cache = cacheWhoseReloadReadsV1();

    cache.invalidateAll(List.of("k"));
    letTheReloadFinish();

    assertThat(memory.getIfPresent("k")).isNull();
  }

  @Test
  void aReloadOfAnUntouchedKeyStillReplacesTheValue() throws Exception {
    ReadThroughCache<String, String> cache = cacheWhoseReloadReadsV1();

    cache.invalidate("other");
    cache.put("another", "x");
    memory.put("k", "v0");
    letTheReloadFinish();

    assertThat(memory.getIfPresent("k")).isEqualTo("v1");
  }
}
