package dev.strata.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.CacheLoadException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  @Test
  void aLeaderEndsItsLoadAndTheJoinersGetItsOutcome() {
    SingleFlight<String, Object> flight = new SingleFlight<>();
    CompletableFuture<Object> mine = new CompletableFuture<>();
    assertThat(flight.lead("k", mine)).isNull();
    CompletableFuture<Object> joined =
        CompletableFuture.supplyAsync(() -> flight.lead("k", new CompletableFuture<>()), callers)
            .join();
    assertThat(joined).isSameAs(mine);

    flight.complete("k", mine, "v");
    assertThat(joined.join()).isEqualTo("v");
    assertThat(flight.inFlightCount()).isZero();

    CompletableFuture<Object> next = new CompletableFuture<>();
    assertThat(flight.lead("k", next)).isNull();
    flight.fail("k", next, new IllegalStateException("boom"));
    assertThatThrownBy(next::join)
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("boom");
    assertThat(flight.inFlightCount()).isZero();
  }

  @Test
  void aDetachedLoadKeepsItsWaitersButTheNextCallerStartsANewOne() throws Exception {
    SingleFlight<String, String> flight = new SingleFlight<>("users", null);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> stale =
        CompletableFuture.supplyAsync(
            () ->
                flight.load(
                    "k",
                    key -> {
                      started.countDown();
                      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                      return "old";
                    }),
            callers);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    flight.detach("k");
    try {
      assertThat(flight.load("k", key -> "new")).isEqualTo("new");
    } finally {
      release.countDown();
    }
    assertThat(stale.get(10, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(flight.inFlightCount()).isZero();
  }

  @Test
  void aLoadThatAsksForItsOwnKeyFailsAtOnceAndOtherKeysWork() {
    SingleFlight<String, String> flight = new SingleFlight<>("users", null);
    assertThatThrownBy(() -> flight.load("k", key -> flight.load("k", k -> "inner")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cache 'users'")
        .hasMessageContaining("recursive load");
    assertThat(flight.inFlightCount()).isZero();

    assertThat(flight.load("a", key -> "a+" + flight.load("b", k -> "b"))).isEqualTo("a+b");

    CompletableFuture<String> async =
        flight.loadAsync(
            "k", key -> CompletableFuture.completedFuture(flight.load("k", k -> "inner")));
    assertThatThrownBy(() -> async.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recursive load");
  }

  @Test
  void aWaiterThatIsInterruptedGivesUpWithItsFlagSetAndTheLoadGoesOn() throws Exception {
    SingleFlight<String, String> flight = new SingleFlight<>("users", null);
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletableFuture<String> leader = flight.loadAsync("k", key -> hung);

    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean flag = new AtomicBoolean();
    Thread waiter =
        new Thread(
            () -> {
              try {
                flight.load("k", key -> "never");
              } catch (Throwable t) {
                failure.set(t);
              }
              flag.set(Thread.currentThread().isInterrupted());
            });
    waiter.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> waiter.getState() == Thread.State.WAITING);
    waiter.interrupt();
    waiter.join(10_000);

    assertThat(waiter.isAlive()).isFalse();
    assertThat(failure.get())
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("interrupted")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(flag).isTrue();
    hung.complete("v");
    assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo("v");
  }

  @Test
  void aLoadPastItsTimeoutReleasesItsWaitersAndIsForgotten() throws Exception {
    SingleFlight<String, String> flight = new SingleFlight<>("users", Duration.ofSeconds(2));
    CompletableFuture<String> hung = new CompletableFuture<>();
    CompletableFuture<String> first = flight.loadAsync("k", key -> hung);
    CompletableFuture<String> blockingWaiter =
        CompletableFuture.supplyAsync(
            () ->
                flight.load(
                    "k",
                    key -> {
                      throw new AssertionError("a caller during the load must join it");
                    }),
            callers);

    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("cache 'users'")
        .hasMessageContaining("load timeout of PT2S")
        .hasCauseInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> blockingWaiter.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(CacheLoadException.class);
    assertThat(flight.inFlightCount()).isZero();
    assertThat(flight.load("k", key -> "fresh")).isEqualTo("fresh");
  }

  @Test
  void rejectsANonPositiveLoadTimeout() {
    assertThatThrownBy(() -> new SingleFlight<String, String>("users", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("loadTimeout must be positive but was PT0S");
  }
}
