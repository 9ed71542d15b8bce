package dev.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A draining endpoint gets no new picks (not even in panic mode) and leaves the pool when its last
 * request completes or its deadline passes.
 */
class DrainingTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Ticker ticker = now::get;

  private EndpointPool pool(int n) {
    EndpointPool pool = EndpointPool.create(ticker);
    for (int i = 0; i < n; i++) {
      pool.add(Endpoint.builder("e" + i, "h" + i, 80).build());
    }
    return pool;
  }

  private static Set<String> picks(LoadBalancer lb, int n) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Endpoint e = lb.select();
      ids.add(e.id());
      lb.complete(e, 1000, true);
    }
    return ids;
  }

  @Test
  void aDrainingEndpointGetsNoNewPicksAndLeavesWhenItsLastRequestCompletes() {
    for (Selector selector : Selectors.all()) {
      if (selector.name().contains("hash")
          || selector.name().contains("maglev")
          || selector.name().contains("rendezvous")) {
        continue; // hashing selectors need a key; covered below
      }
      EndpointPool pool = pool(3);
      LoadBalancer lb = LoadBalancer.builder(pool).selector(selector).countInFlight(true).build();
      List<Endpoint> inFlight = new ArrayList<>();
      for (int i = 0; i < 30 || inFlight.stream().noneMatch(e -> e.id().equals("e1")); i++) {
        assertThat(i).as(selector.name() + " never picked e1").isLessThan(10_000);
        inFlight.add(lb.select());
      }
      List<String> removed = new ArrayList<>();
      pool.addListener(
          new PoolListener() {
            @Override
            public void endpointRemoved(Endpoint endpoint) {
              removed.add(endpoint.id());
            }
          });

      assertThat(pool.drain("e1", Duration.ofMinutes(1))).isTrue();
      assertThat(pool.isDraining("e1")).isTrue();
      assertThat(picks(lb, 200)).as(selector.name()).doesNotContain("e1");
      assertThat(pool.contains("e1")).isTrue();

      // complete e1's requests last: the endpoint stays until the very last of them
      inFlight.sort((a, b) -> Boolean.compare(a.id().equals("e1"), b.id().equals("e1")));
      for (Endpoint e : inFlight) {
        assertThat(removed).as(selector.name()).isEmpty();
        lb.complete(e, 1000, true);
      }
      assertThat(removed).as(selector.name()).containsExactly("e1");
      assertThat(pool.contains("e1")).isFalse();
      assertThat(picks(lb, 50)).containsExactlyInAnyOrder("e0", "e2");
    }
  }

  @Test
  void theDeadlineRemovesAnEndpointWhoseRequestsNeverComplete() {
    EndpointPool pool = pool(3);
    LoadBalancer lb = LoadBalancer.builder(pool).selector(Selectors.leastConnections()).build();
    Endpoint stuck;
    do {
      stuck = lb.select();
    } while (!stuck.id().equals("e2"));
    pool.drain("e2", Duration.ofSeconds(30));
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    picks(lb, 10);
    assertThat(pool.contains("e2")).isTrue();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(picks(lb, 10)).doesNotContain("e2");
    assertThat(pool.contains("e2")).isFalse();
    lb.complete(stuck, 1000, true); // a late completion is ignored
  }

  @Test
  void withoutInFlightCountsAnIdleEndpointLeavesAtOnce() {
    EndpointPool pool = pool(2);
    LoadBalancer.builder(pool).selector(Selectors.roundRobin()).build();
    assertThat(pool.drain("e0", Duration.ofSeconds(30))).isTrue();
    assertThat(pool.contains("e0")).isFalse();
    assertThat(pool.drain("unknown", Duration.ofSeconds(1))).isFalse();
    assertThatThrownBy(() -> pool.drain("e1", Duration.ofSeconds(-1)))
        .hasMessage("timeout must not be negative but was PT-1S");
  }

  @Test
  void panicModeNeverPicksADrainingEndpoint() {
    EndpointPool pool = pool(3);
    LoadBalancer lb =
        LoadBalancer.builder(pool)
            .selector(Selectors.roundRobin())
            .countInFlight(true)
            .panicThresholdPercent(100)
            .build();
    Endpoint held;
    do {
      held = lb.select();
    } while (!held.id().equals("e0"));
    pool.setHealthy("e1", false);
    pool.drain("e0", Duration.ofMinutes(1));
    assertThat(lb.inPanicMode()).isTrue();
    assertThat(picks(lb, 100)).containsExactlyInAnyOrder("e1", "e2");
    lb.complete(held, 1000, true);
    assertThat(pool.contains("e0")).isFalse();
  }

  @Test
  void hashingSelectorsSkipADrainingEndpoint() {
    for (Selector selector :
        new Selector[] {Selectors.ipHash(), Selectors.ringHash(), Selectors.maglev()}) {
      EndpointPool pool = pool(3);
      LoadBalancer lb = LoadBalancer.builder(pool).selector(selector).countInFlight(true).build();
      Endpoint held = lb.select(RequestContext.ofClientAddress("10.0.0.1"));
      pool.drain(held.id(), Duration.ofMinutes(1));
      for (int i = 0; i < 100; i++) {
        Endpoint e = lb.select(RequestContext.ofClientAddress("10.0.0." + i));
        assertThat(e.id()).as(selector.name()).isNotEqualTo(held.id());
        lb.complete(e, 1000, true);
      }
      lb.complete(held, 1000, true);
      assertThat(pool.contains(held.id())).as(selector.name()).isFalse();
    }
  }
}
