package dev.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinTest {

  private static LoadBalancer balancer(int... weights) {
    EndpointPool pool = EndpointPool.create();
    for (int i = 0; i < weights.length; i++) {
      pool.add(
          Endpoint.builder(String.valueOf((char) ('a' + i)), "h" + i, 80)
              .weight(weights[i])
              .build());
    }
    return LoadBalancer.builder(pool)
        .selector(Selectors.smoothWeightedRoundRobin())
        .seed(1)
        .build();
  }

  @Test
  void followsNginxSmoothOrder() {
    LoadBalancer lb = balancer(5, 1, 1);
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 14; i++) {
      order.append(lb.select().id());
    }
    assertThat(order.toString()).isEqualTo("aabacaa" + "aabacaa");
  }

  @Test
  void givesExactProportionsOverEveryCycle() {
    LoadBalancer lb = balancer(4, 3, 2, 1);
    for (int cycle = 0; cycle < 50; cycle++) {
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 10; i++) {
        counts.merge(lb.select().id(), 1, Integer::sum);
      }
      assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 4, "b", 3, "c", 2, "d", 1));
    }
  }

  @Test
  void reweightingTakesEffectOnTheNextCycle() {
    LoadBalancer lb = balancer(1, 1);
    lb.pool().setWeight("a", 3);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      counts.merge(lb.select().id(), 1, Integer::sum);
    }
    assertThat(counts).containsEntry("a", 300).containsEntry("b", 100);
  }

  @Test
  void skipsUnhealthyEndpointsKeepingTheOthersProportions() {
    LoadBalancer lb = balancer(2, 1, 1);
    lb.pool().setHealthy("c", false);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      counts.merge(lb.select().id(), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey("c");
    assertThat(counts.get("a")).isEqualTo(2000);
    assertThat(counts.get("b")).isEqualTo(1000);
  }
}
