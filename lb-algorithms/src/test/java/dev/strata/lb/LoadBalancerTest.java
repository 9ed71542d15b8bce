package dev.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {

  private final AtomicLong time = new AtomicLong(1_000_000_000L);

  private EndpointPool pool(int n) {
    EndpointPool pool = EndpointPool.create(time::get);
    for (int i = 0; i < n; i++) {
      pool.add(Endpoint.of("e" + i, "10.0.0." + i, 80));
    }
    return pool;
  }

  private void advance(Duration duration) {
    time.addAndGet(duration.toNanos());
  }

  private static RequestContext keyed(int i) {
    return RequestContext.ofClientAddress("10.9." + (i >> 8 & 255) + "." + (i & 255));
  }

  @Test
  void everySelectorSkipsUnhealthyEndpointsAndUsesAllHealthyOnes() {
    for (Selector selector : Selectors.all()) {
      EndpointPool pool = pool(6);
      pool.setHealthy("e2", false);
      LoadBalancer lb = LoadBalancer.builder(pool).selector(selector).seed(11).build();
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 3000; i++) {
        Endpoint e = lb.select(keyed(i));
        counts.merge(e.id(), 1, Integer::sum);
        lb.complete(e, 1_000_000, true);
      }
      assertThat(counts).as(selector.name()).doesNotContainKey("e2").hasSize(5);
    }
  }

  @Test
  void roundRobinVisitsEachEndpointInTurn() {
    LoadBalancer lb =
        LoadBalancer.builder(pool(4)).selector(Selectors.roundRobin()).seed(1).build();
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      picks.add(lb.select().id());
    }
    assertThat(picks.subList(0, 4)).containsExactlyInAnyOrder("e0", "e1", "e2", "e3");
    assertThat(picks.subList(4, 8)).isEqualTo(picks.subList(0, 4));
  }

  @Test
  void roundRobinFollowsHealthChangesOnTheSameBalancer() {
    EndpointPool pool = pool(4);
    LoadBalancer lb = LoadBalancer.builder(pool).selector(Selectors.roundRobin()).seed(3).build();
    assertThat(idsOf(lb, 8)).containsOnly("e0", "e1", "e2", "e3");
    pool.setHealthy("e1", false);
    assertThat(idsOf(lb, 12)).containsOnly("e0", "e2", "e3");
    pool.setHealthy("e1", true);
    List<String> picks = idsOf(lb, 8);
    assertThat(picks.subList(0, 4)).containsExactlyInAnyOrder("e0", "e1", "e2", "e3");
    assertThat(picks.subList(4, 8)).isEqualTo(picks.subList(0, 4));
  }

  private static List<String> idsOf(LoadBalancer lb, int picks) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < picks; i++) {
      ids.add(lb.select().id());
    }
    return ids;
  }

  @Test
  void weightedRandomFollowsWeights() {
    EndpointPool pool = EndpointPool.create(time::get);
    pool.add(Endpoint.builder("a", "h", 1).weight(6).build());
    pool.add(Endpoint.builder("b", "h", 2).weight(3).build());
    pool.add(Endpoint.builder("c", "h", 3).weight(1).build());
    LoadBalancer lb =
        LoadBalancer.builder(pool).selector(Selectors.weightedRandom()).seed(5).build();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      counts.merge(lb.select().id(), 1, Integer::sum);
    }
    assertThat(counts.get("a") / 100_000.0).isBetween(0.59, 0.61);
    assertThat(counts.get("b") / 100_000.0).isBetween(0.29, 0.31);
    assertThat(counts.get("c") / 100_000.0).isBetween(0.09, 0.11);
  }

  @Test
  void leastConnectionsNeverPicksAStrictlyBusierEndpoint() {
    EndpointPool pool = pool(8);
    pool.setHealthy("e7", false);
    LoadBalancer lb =
        LoadBalancer.builder(pool).selector(Selectors.leastConnections()).seed(3).build();
    SplittableRandom random = new SplittableRandom(17);
    List<Endpoint> open = new ArrayList<>();
    Map<String, Integer> picked = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      if (!open.isEmpty() && random.nextInt(100) < 45) {
        lb.complete(open.remove(random.nextInt(open.size())), 1000, true);
        continue;
      }
      long least =
          lb.status().stream()
              .filter(EndpointStatus::healthy)
              .mapToLong(EndpointStatus::inFlight)
              .min()
              .orElseThrow();
      Endpoint e = lb.select();
      assertThat(lb.status(e.id()).orElseThrow().inFlight() - 1).isEqualTo(least);
      open.add(e);
      picked.merge(e.id(), 1, Integer::sum);
    }
    // ties are broken at random, so every healthy endpoint is used
    assertThat(picked).hasSize(7);
  }

  @Test
  void leastConnectionsWeighsInFlightByWeight() {
    EndpointPool pool = EndpointPool.create(time::get);
    pool.add(Endpoint.builder("big", "h", 1).weight(3).build());
    pool.add(Endpoint.of("small", "h", 2));
    LoadBalancer lb =
        LoadBalancer.builder(pool).selector(Selectors.leastConnections()).seed(3).build();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      counts.merge(lb.select().id(), 1, Integer::sum); // never completed
    }
    assertThat(counts.get("big")).isBetween(299, 301);
  }

  @Test
  void powerOfTwoChoicesNeverSendsEverythingToAHungEndpoint() {
    // with two endpoints, distinct picks always compare both: a hung endpoint gets one request
    for (Selector selector : List.of(Selectors.powerOfTwoChoices(), Selectors.peakEwma())) {
      EndpointPool pool = pool(2);
      LoadBalancer lb = LoadBalancer.builder(pool).selector(selector).seed(9).build();
      int hung = 0;
      for (int i = 0; i < 1000; i++) {
        Endpoint e = lb.select();
        if (e.id().equals("e0")) {
          hung++; // e0 never answers
        } else {
          advance(Duration.ofMillis(1));
          lb.complete(e, 1_000_000, true);
        }
      }
      assertThat(hung).as(selector.name()).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void powerOfTwoChoicesComparesAgainWhenAPairDrawsAnUnusableEndpoint() {
    // e0 is down, e1 hangs: a pair (e0, e1) must not settle on e1 just because e0 is out
    for (Selector selector : List.of(Selectors.powerOfTwoChoices(), Selectors.peakEwma())) {
      EndpointPool pool = pool(3);
      pool.setHealthy("e0", false);
      LoadBalancer lb = LoadBalancer.builder(pool).selector(selector).seed(11).build();
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 3000; i++) {
        Endpoint e = lb.select();
        counts.merge(e.id(), 1, Integer::sum);
        if (!e.id().equals("e1")) {
          advance(Duration.ofMillis(1));
          lb.complete(e, 1_000_000, true);
        }
      }
      assertThat(counts.getOrDefault("e0", 0)).as(selector.name()).isZero();
      // one request in four draws of a pair with e0 and no other usable member would be 1 in 256
      assertThat(counts.getOrDefault("e1", 0)).as(selector.name()).isLessThan(60);
    }
  }

  @Test
  void panicModeBalancesOverAllWhenTooFewAreHealthy() {
    EndpointPool pool = pool(10);
    LoadBalancer lb = LoadBalancer.builder(pool).selector(Selectors.roundRobin()).seed(1).build();
    for (int i = 0; i < 5; i++) {
      pool.setHealthy("e" + i, false);
    }
    assertThat(lb.inPanicMode()).isFalse(); // 50% healthy is not below 50%
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      counts.merge(lb.select().id(), 1, Integer::sum);
    }
    assertThat(counts).hasSize(5);
    pool.setHealthy("e5", false);
    counts.clear();
    for (int i = 0; i < 100; i++) {
      counts.merge(lb.select().id(), 1, Integer::sum);
    }
    assertThat(lb.inPanicMode()).isTrue();
    assertThat(counts).hasSize(10).containsValue(10);
  }

  @Test
  void withoutPanicModeNoHealthyEndpointIsAClearError() {
    EndpointPool pool = pool(2);
    LoadBalancer lb = LoadBalancer.builder(pool).panicThresholdPercent(0).build();
    pool.setHealthy("e0", false);
    pool.setHealthy("e1", false);
    assertThatThrownBy(lb::select)
        .isInstanceOf(NoEndpointAvailableException.class)
        .hasMessageContaining("all 2 endpoints are unhealthy or ejected");
    LoadBalancer empty = LoadBalancer.builder(EndpointPool.create()).build();
    assertThatThrownBy(empty::select).hasMessageContaining("the pool is empty");
  }

  @Test
  void outlierEjectionGrowsCapsAndForgives() {
    EndpointPool pool = pool(10);
    LoadBalancer lb =
        LoadBalancer.builder(pool)
            .selector(Selectors.roundRobin())
            .outlierEjection(
                OutlierEjection.builder()
                    .consecutiveFailures(3)
                    .baseEjectionTime(Duration.ofSeconds(10))
                    .maxEjectionTime(Duration.ofSeconds(25))
                    .build())
            .seed(1)
            .build();
    Endpoint bad = pool.endpoint("e4");
    List<Long> ejectionLengths = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      lb.complete(bad, 1, false);
      lb.complete(bad, 1, false);
      assertThat(lb.status("e4").orElseThrow().ejected()).isFalse();
      lb.complete(bad, 1, false);
      assertThat(lb.status("e4").orElseThrow().ejected()).isTrue();
      for (int i = 0; i < 50; i++) {
        assertThat(lb.select().id()).isNotEqualTo("e4");
      }
      long seconds = 0;
      while (lb.status("e4").orElseThrow().ejected()) {
        advance(Duration.ofSeconds(1));
        seconds++;
      }
      ejectionLengths.add(seconds);
    }
    assertThat(ejectionLengths).containsExactly(10L, 20L, 25L, 25L);
    // a success streak after the maximum ejection time forgives the history
    advance(Duration.ofSeconds(30));
    lb.complete(bad, 1, true);
    assertThat(lb.status("e4").orElseThrow().ejections()).isZero();
    assertThat(pool.isHealthy("e4")).isTrue(); // ejection never touches the health state
  }

  @Test
  void outlierEjectionNeverEjectsMoreThanTheMaximumShareButAlwaysOne() {
    EndpointPool pool = pool(30);
    LoadBalancer lb =
        LoadBalancer.builder(pool)
            .outlierEjection(OutlierEjection.builder().consecutiveFailures(1).build())
            .build();
    for (int i = 0; i < 30; i++) {
      lb.complete(pool.endpoint("e" + i), 1, false);
    }
    assertThat(lb.ejectedCount()).isEqualTo(3); // 10% of 30
    EndpointPool small = pool(4);
    LoadBalancer few =
        LoadBalancer.builder(small)
            .outlierEjection(OutlierEjection.builder().consecutiveFailures(1).build())
            .build();
    for (int i = 0; i < 4; i++) {
      few.complete(small.endpoint("e" + i), 1, false);
    }
    assertThat(few.ejectedCount()).isEqualTo(1); // 10% of 4 rounds to 0, one is always allowed
  }

  @Test
  void slowStartRampsANewEndpointFollowingEnvoysFormula() {
    EndpointPool pool = pool(4);
    LoadBalancer lb =
        LoadBalancer.builder(pool)
            .selector(Selectors.weightedRandom())
            .slowStart(SlowStart.of(Duration.ofSeconds(60)))
            .seed(21)
            .build();
    advance(Duration.ofSeconds(1));
    pool.add(Endpoint.of("fresh", "h", 1));
    // at 15 s of 60 s its weight is max(0.1, 15/60) = 0.25 of the others'
    advance(Duration.ofSeconds(15));
    assertThat(shareOf(lb, "fresh")).isBetween(0.25 / 4.25 - 0.01, 0.25 / 4.25 + 0.01);
    // just after joining it still gets the 10% minimum, never nothing
    pool.add(Endpoint.of("newer", "h", 2));
    assertThat(shareOf(lb, "newer")).isBetween(0.1 / 4.35 - 0.01, 0.1 / 4.35 + 0.01);
    // after the window, full weight
    advance(Duration.ofSeconds(61));
    assertThat(shareOf(lb, "fresh")).isBetween(1 / 6.0 - 0.01, 1 / 6.0 + 0.01);
  }

  @Test
  void slowStartAppliesToARecoveredEndpoint() {
    EndpointPool pool = pool(2);
    LoadBalancer lb =
        LoadBalancer.builder(pool)
            .selector(Selectors.roundRobin())
            .slowStart(SlowStart.of(Duration.ofSeconds(10)))
            .seed(2)
            .build();
    assertThat(shareOf(lb, "e1")).isBetween(0.49, 0.51);
    pool.setHealthy("e1", false);
    advance(Duration.ofSeconds(1));
    pool.setHealthy("e1", true);
    advance(Duration.ofSeconds(5));
    double share = shareOf(lb, "e1");
    assertThat(share).isBetween(0.5 / 1.5 - 0.02, 0.5 / 1.5 + 0.02);
  }

  private static double shareOf(LoadBalancer lb, String id) {
    int hits = 0;
    int n = 50_000;
    for (int i = 0; i < n; i++) {
      if (lb.select().id().equals(id)) {
        hits++;
      }
    }
    return (double) hits / n;
  }

  @Test
  void completionsFeedInFlightAndLatency() {
    EndpointPool pool = pool(1);
    LoadBalancer lb =
        LoadBalancer.builder(pool).selector(Selectors.leastResponseTime()).seed(1).build();
    Endpoint e = lb.select();
    assertThat(lb.status("e0").orElseThrow().inFlight()).isEqualTo(1);
    lb.complete(e, 5_000_000, true);
    EndpointStatus status = lb.status("e0").orElseThrow();
    assertThat(status.inFlight()).isZero();
    assertThat(status.latencyEwmaNanos()).isEqualTo(5_000_000.0);
    // an estimate made long ago weighs little against a new measurement
    advance(Duration.ofSeconds(10));
    lb.select();
    lb.complete(e, 1_000_000, true);
    assertThat(lb.status("e0").orElseThrow().latencyEwmaNanos())
        .isBetween(1_000_000.0, 1_001_000.0);
    // completions of removed endpoints are ignored
    pool.remove("e0");
    lb.complete(e, 1, false);
  }

  @Test
  void builderAndSelectorsValidateTheirArguments() {
    assertThatThrownBy(() -> LoadBalancer.builder(pool(1)).panicThresholdPercent(101).build())
        .hasMessage("panicThresholdPercent must be between 0 and 100 but was 101");
    assertThatThrownBy(() -> OutlierEjection.builder().consecutiveFailures(0).build())
        .hasMessage("consecutiveFailures must be at least 1 but was 0");
    assertThatThrownBy(
            () ->
                OutlierEjection.builder()
                    .baseEjectionTime(Duration.ofSeconds(10))
                    .maxEjectionTime(Duration.ofSeconds(5))
                    .build())
        .hasMessageContaining("maxEjectionTime must be at least baseEjectionTime");
    assertThatThrownBy(() -> OutlierEjection.builder().maxEjectionPercent(-1).build())
        .hasMessage("maxEjectionPercent must be between 0 and 100 but was -1");
    assertThatThrownBy(() -> SlowStart.builder().window(Duration.ZERO).build())
        .hasMessage("window must be positive but was PT0S");
    assertThatThrownBy(() -> Selectors.boundedLoadHash(1.0))
        .hasMessage("factor must be greater than 1 but was 1.0");
    assertThatThrownBy(() -> Selectors.leastResponseTime(Duration.ZERO))
        .hasMessage("decay must be positive but was PT0S");
  }
}
