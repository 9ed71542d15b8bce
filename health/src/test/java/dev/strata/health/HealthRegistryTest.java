package dev.strata.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {

  private final HealthRegistry registry =
      HealthRegistry.builder()
          .maxConcurrentChecks(4)
          .defaultTimeout(Duration.ofSeconds(5))
          .defaultMinInterval(Duration.ZERO)
          .build();

  private final List<CountDownLatch> toRelease = new ArrayList<>();

  @AfterEach
  void tearDown() {
    toRelease.forEach(CountDownLatch::countDown);
    registry.close();
  }

  private void register(String name, HealthCheck check, boolean critical, HealthGroup... groups) {
    registry.register(
        HealthCheckRegistration.builder(name, check).critical(critical).groups(groups).build());
  }

  @Test
  void emptyRegistryIsUp() {
    HealthReport report = registry.check();
    assertThat(report.status()).isEqualTo(HealthStatus.UP);
    assertThat(report.checks()).isEmpty();
  }

  @Test
  void aggregatesCriticalDownAsDownAndNonCriticalDownAsDegraded() {
    register("db", CheckResult::up, true);
    register("cache", () -> CheckResult.down("connection refused"), false);
    HealthReport report = registry.check();
    assertThat(report.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(report.checks().get("cache").status()).isEqualTo(HealthStatus.DOWN);
    assertThat(report.checks().get("cache").aggregateStatus()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(report.checks().get("cache").error()).isEqualTo("connection refused");

    register("queue", () -> CheckResult.down("broker gone"), true);
    assertThat(registry.check().status()).isEqualTo(HealthStatus.DOWN);
  }

  @Test
  void degradedCheckMakesTheAggregateDegraded() {
    register("db", CheckResult::up, true);
    register("pool", () -> CheckResult.degraded("3 threads waiting", Map.of("waiting", 3)), true);
    HealthReport report = registry.check();
    assertThat(report.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(report.checks().get("pool").details()).containsEntry("waiting", 3);
    assertThat(report.checks().keySet()).containsExactly("db", "pool");
  }

  @Test
  void groupsSelectTheirChecksAndTheOverallReportHasAll() {
    register("ping", CheckResult::up, true, HealthGroup.LIVENESS);
    register("db", () -> CheckResult.down("refused"), true, HealthGroup.READINESS);
    register("warmup", CheckResult::up, true, HealthGroup.STARTUP, HealthGroup.READINESS);

    HealthReport live = registry.check(HealthGroup.LIVENESS);
    assertThat(live.status()).isEqualTo(HealthStatus.UP);
    assertThat(live.group()).isEqualTo(HealthGroup.LIVENESS);
    assertThat(live.checks().keySet()).containsExactly("ping");

    HealthReport ready = registry.check(HealthGroup.READINESS);
    assertThat(ready.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(ready.checks().keySet()).containsExactly("db", "warmup");

    assertThat(registry.check().checks().keySet()).containsExactly("ping", "db", "warmup");
    assertThat(registry.check(HealthGroup.of("batch")).checks()).isEmpty();
    assertThat(registry.hasGroup(HealthGroup.STARTUP)).isTrue();
    assertThat(registry.hasGroup(HealthGroup.of("batch"))).isFalse();
  }

  @Test
  void checkThatThrowsIsDownWithTheException() {
    register(
        "db",
        () -> {
          throw new java.sql.SQLException("password authentication failed");
        },
        true);
    CheckRun outcome = registry.check().checks().get("db");
    assertThat(outcome.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(outcome.error()).isEqualTo("java.sql.SQLException: password authentication failed");
  }

  @Test
  void checkThatThrowsAnErrorIsDown() {
    register(
        "redis",
        () -> {
          throw new NoClassDefFoundError("io/lettuce/core/RedisClient");
        },
        true);
    assertThat(registry.check().checks().get("redis").error())
        .contains("NoClassDefFoundError")
        .contains("io/lettuce/core/RedisClient");
  }

  @Test
  void checkThatReturnsNullIsDown() {
    register("lazy", () -> null, true);
    CheckRun outcome = registry.check().checks().get("lazy");
    assertThat(outcome.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(outcome.error()).isEqualTo("health check 'lazy' returned null instead of a result");
  }

  @Test
  void checkThatNeverReturnsIsDownAtItsTimeoutAndIsInterrupted() {
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch never = latch();
    registry.register(
        HealthCheckRegistration.builder(
                "hung",
                () -> {
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                  }
                  return CheckResult.up();
                })
            .timeout(Duration.ofMillis(100))
            .build());
    CheckRun outcome = registry.check().checks().get("hung");
    assertThat(outcome.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(outcome.error()).isEqualTo("timed out after 100ms");
    assertThat(outcome.duration()).isEqualTo(Duration.ofMillis(100));
    await().untilTrue(interrupted);
  }

  @Test
  void hungCheckIgnoringInterruptsHoldsOneThreadAndDoesNotStarveOtherChecks() {
    CountDownLatch never = latch();
    AtomicInteger hungRuns = new AtomicInteger();
    AtomicInteger okRuns = new AtomicInteger();
    HealthRegistry small =
        HealthRegistry.builder().maxConcurrentChecks(2).defaultMinInterval(Duration.ZERO).build();
    try {
      small.register(
          HealthCheckRegistration.builder(
                  "stubborn",
                  () -> {
                    hungRuns.incrementAndGet();
                    while (true) {
                      try {
                        if (never.await(10, TimeUnit.SECONDS)) {
                          return CheckResult.up();
                        }
                      } catch (InterruptedException ignored) {
                        // deliberately ignores interruption, like a socket read without timeout
                      }
                    }
                  })
              .timeout(Duration.ofMillis(50))
              .build());
      small.register(
          HealthCheckRegistration.builder(
                  "ok",
                  () -> {
                    okRuns.incrementAndGet();
                    return CheckResult.up();
                  })
              .timeout(Duration.ofSeconds(5))
              .build());

      HealthReport first = small.check();
      assertThat(first.checks().get("stubborn").error()).isEqualTo("timed out after 50ms");
      for (int i = 0; i < 20; i++) {
        HealthReport r = small.check();
        assertThat(r.checks().get("ok").status()).isEqualTo(HealthStatus.UP);
        assertThat(r.checks().get("stubborn").status()).isEqualTo(HealthStatus.DOWN);
        assertThat(r.checks().get("stubborn").error())
            .startsWith("previous run has not returned for")
            .endsWith("(timed out after 50ms); not started again until it returns");
      }
      assertThat(hungRuns).hasValue(1);
      assertThat(okRuns).hasValue(21);

      never.countDown();
      await()
          .untilAsserted(
              () ->
                  assertThat(small.check().checks().get("stubborn").status())
                      .isEqualTo(HealthStatus.UP));
      assertThat(hungRuns).hasValue(2);
    } finally {
      small.close();
    }
  }

  @Test
  void concurrentProbesShareOneRun() throws Exception {
    CountDownLatch release = latch();
    AtomicInteger runs = new AtomicInteger();
    register(
        "slow",
        () -> {
          runs.incrementAndGet();
          release.await();
          return CheckResult.up();
        },
        true);
    List<CompletableFuture<HealthReport>> probes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      probes.add(registry.checkAsync(null));
    }
    await().until(() -> runs.get() == 1);
    assertThat(probes).noneMatch(CompletableFuture::isDone);
    release.countDown();
    for (CompletableFuture<HealthReport> p : probes) {
      assertThat(p.get(5, TimeUnit.SECONDS).status()).isEqualTo(HealthStatus.UP);
    }
    assertThat(runs).hasValue(1);
  }

  @Test
  void concurrentProbesFromManyThreadsShareOneRun() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = latch();
    register(
        "slow",
        () -> {
          runs.incrementAndGet();
          release.await();
          return CheckResult.up();
        },
        true);
    int threads = 16;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    List<CompletableFuture<HealthStatus>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      results.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  barrier.await();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return registry.check().status();
              },
              runnable -> new Thread(runnable).start()));
    }
    await().until(() -> runs.get() == 1);
    release.countDown();
    for (CompletableFuture<HealthStatus> r : results) {
      assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(HealthStatus.UP);
    }
    assertThat(runs).hasValue(1);
  }

  @Test
  void resultIsCachedForTheMinimumInterval() {
    AtomicInteger runs = new AtomicInteger();
    registry.register(
        HealthCheckRegistration.builder(
                "db", () -> CheckResult.down("attempt " + runs.incrementAndGet()))
            .minInterval(Duration.ofHours(1))
            .build());
    for (int i = 0; i < 100; i++) {
      assertThat(registry.check().checks().get("db").error()).isEqualTo("attempt 1");
    }
    assertThat(runs).hasValue(1);
  }

  @Test
  void zeroMinimumIntervalRunsForEverySequentialProbe() {
    AtomicInteger runs = new AtomicInteger();
    register(
        "db",
        () -> {
          runs.incrementAndGet();
          return CheckResult.up();
        },
        true);
    for (int i = 0; i < 5; i++) {
      registry.check();
    }
    assertThat(runs).hasValue(5);
  }

  @Test
  void backgroundRefreshServesLatestResultWithoutRunningOnProbe() {
    AtomicInteger runs = new AtomicInteger();
    registry.register(
        HealthCheckRegistration.builder(
                "db", () -> CheckResult.up(Map.of("run", runs.incrementAndGet())))
            .backgroundRefresh(Duration.ofMillis(20), Duration.ofSeconds(30))
            .build());
    await().until(() -> runs.get() >= 3);
    // Probes do not add runs of their own: the run number they see only moves with the timer.
    int before = runs.get();
    HealthReport report = registry.check();
    assertThat(report.status()).isEqualTo(HealthStatus.UP);
    assertThat((Integer) report.checks().get("db").details().get("run"))
        .isLessThanOrEqualTo(runs.get());
    assertThat((Integer) report.checks().get("db").details().get("run"))
        .isGreaterThanOrEqualTo(before - 1);
  }

  @Test
  void backgroundRefreshedResultOlderThanTheLimitIsDownAsStale() {
    CountDownLatch hang = latch();
    AtomicBoolean hangNow = new AtomicBoolean();
    AtomicInteger hungRuns = new AtomicInteger();
    registry.register(
        HealthCheckRegistration.builder(
                "db",
                () -> {
                  if (hangNow.get()) {
                    hungRuns.incrementAndGet();
                    hang.await();
                  }
                  return CheckResult.up(Map.of("version", "16.4"));
                })
            .timeout(Duration.ofSeconds(60))
            .backgroundRefresh(Duration.ofMillis(20), Duration.ofMillis(150))
            .build());
    await().untilAsserted(() -> assertThat(registry.check().status()).isEqualTo(HealthStatus.UP));
    hangNow.set(true);
    await()
        .untilAsserted(
            () -> {
              CheckRun db = registry.check().checks().get("db");
              assertThat(db.status()).isEqualTo(HealthStatus.DOWN);
              assertThat(db.error()).startsWith("latest result is stale: ").contains("limit 150ms");
              assertThat(db.details()).containsEntry("version", "16.4");
            });
    assertThat(hungRuns).hasValue(1); // the hung run is not started again
  }

  @Test
  void registrationErrorsNameTheFieldAndValue() {
    assertThatThrownBy(() -> HealthCheckRegistration.builder("", CheckResult::up).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be empty but was ''");
    assertThatThrownBy(() -> HealthCheckRegistration.builder("  ", CheckResult::up).build())
        .hasMessage("name must not be empty but was '  '");
    assertThatThrownBy(
            () ->
                HealthCheckRegistration.builder("db", CheckResult::up)
                    .timeout(Duration.ofSeconds(-1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive but was PT-1S (check 'db')");
    assertThatThrownBy(
            () ->
                HealthCheckRegistration.builder("db", CheckResult::up)
                    .timeout(Duration.ZERO)
                    .build())
        .hasMessage("timeout must be positive but was PT0S (check 'db')");
    assertThatThrownBy(
            () ->
                HealthCheckRegistration.builder("db", CheckResult::up)
                    .minInterval(Duration.ofMillis(-5))
                    .build())
        .hasMessage("minInterval must not be negative but was PT-0.005S (check 'db')");
    assertThatThrownBy(
            () ->
                HealthCheckRegistration.builder("db", CheckResult::up)
                    .backgroundRefresh(Duration.ofSeconds(10), Duration.ofSeconds(5))
                    .build())
        .hasMessage(
            "maxStaleness must be at least refreshInterval (PT10S) but was PT5S (check 'db')");
    assertThatThrownBy(() -> HealthCheckRegistration.builder(null, CheckResult::up))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name must not be null");
  }

  @Test
  void duplicateNameIsRejectedAndTheFirstRegistrationKept() {
    register("db", CheckResult::up, true);
    assertThatThrownBy(() -> register("db", () -> CheckResult.down("x"), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be unique but a health check named 'db' is already registered");
    assertThat(registry.check().status()).isEqualTo(HealthStatus.UP);
    assertThat(registry.names()).containsExactly("db");
  }

  @Test
  void registryBuilderValidates() {
    assertThatThrownBy(() -> HealthRegistry.builder().maxConcurrentChecks(0).build())
        .hasMessage("maxConcurrentChecks must be positive but was 0");
    assertThatThrownBy(() -> HealthRegistry.builder().defaultTimeout(Duration.ofMillis(-1)).build())
        .hasMessage("defaultTimeout must be positive but was PT-0.001S");
    assertThatThrownBy(
            () -> HealthRegistry.builder().defaultMinInterval(Duration.ofMillis(-1)).build())
        .hasMessage("defaultMinInterval must not be negative but was PT-0.001S");
  }

  @Test
  void groupNamesAreValidated() {
    assertThat(HealthGroup.of("readiness")).isSameAs(HealthGroup.READINESS);
    assertThat(HealthGroup.of("batch-jobs").name()).isEqualTo("batch-jobs");
    assertThatThrownBy(() -> HealthGroup.of("Batch Jobs"))
        .hasMessageContaining("group name must be")
        .hasMessageEndingWith("but was 'Batch Jobs'");
    assertThatThrownBy(() -> HealthGroup.of("ready"))
        .hasMessage("group name must not be live, ready or started but was 'ready'");
  }

  @Test
  void unregisterRemovesTheCheck() {
    register("db", () -> CheckResult.down("x"), true);
    assertThat(registry.unregister("db")).isTrue();
    assertThat(registry.unregister("db")).isFalse();
    assertThat(registry.check().status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void closedRegistryRejectsUse() {
    registry.close();
    assertThatThrownBy(registry::check)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("health registry is closed");
    assertThatThrownBy(() -> register("db", CheckResult::up, true))
        .isInstanceOf(IllegalStateException.class);
  }

  private CountDownLatch latch() {
    CountDownLatch l = new CountDownLatch(1);
    toRelease.add(l);
    return l;
  }
}
