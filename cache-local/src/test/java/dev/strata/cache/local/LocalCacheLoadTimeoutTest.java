package dev.strata.cache.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.CacheLoadException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load timeout frees the waiters of a load that never completes. */
class LocalCacheLoadTimeoutTest {

  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  private LocalCache<String, String> cache(Duration loadTimeout) {
    return LocalCache.<String, String>builder()
        .name("slow")
        .executor(Runnable::run)
        .loadTimeout(loadTimeout)
        .build();
  }

  @Test
  void theWaitersOfAHungAsyncLoadAreReleasedAndTheNextLookupLoadsAgain() throws Exception {
    LocalCache<String, String> cache = cache(Duration.ofSeconds(1));
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletableFuture<String> leader = cache.async().get("k", key -> hung).toCompletableFuture();
    CompletableFuture<String> asyncWaiter =
        cache.async().get("k", key -> failIfCalled()).toCompletableFuture();

    assertThatThrownBy(() -> leader.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("cache 'slow'")
        .hasMessageContaining("load timeout")
        .hasCauseInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> asyncWaiter.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(CacheLoadException.class)
        .hasCauseInstanceOf(TimeoutException.class);

    assertThat(cache.get("k", key -> "fresh")).isEqualTo("fresh");
    hung.complete("late");
    assertThat(cache.getIfPresent("k")).isEqualTo("fresh");
  }

  @Test
  void theWaitersOfAHungBlockingLoadAreReleasedWhileItsThreadGoesOn() throws Exception {
    LocalCache<String, String> cache = cache(Duration.ofSeconds(2));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> leader =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "k",
                    key -> {
                      started.countDown();
                      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                      return "late";
                    }),
            callers);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      assertThatThrownBy(() -> cache.get("k", key -> "never"))
          .isInstanceOf(CacheLoadException.class)
          .hasCauseInstanceOf(TimeoutException.class);
      assertThat(cache.get("k", key -> "fresh")).isEqualTo("fresh");
    } finally {
      release.countDown();
    }
    assertThat(leader.get(10, TimeUnit.SECONDS))
        .as("the leader gets its own value")
        .isEqualTo("late");
    assertThat(cache.getIfPresent("k")).isEqualTo("fresh");
  }

  private static CompletableFuture<String> failIfCalled() {
    throw new AssertionError("a caller during the load must join it, not load again");
  }

  @Test
  void theBuilderRejectsANonPositiveLoadTimeout() {
    assertThatThrownBy(
            () ->
                LocalCache.<String, String>builder()
                    .name("slow")
                    .loadTimeout(Duration.ofSeconds(-1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("loadTimeout must be positive but was PT-1S");
  }
}
