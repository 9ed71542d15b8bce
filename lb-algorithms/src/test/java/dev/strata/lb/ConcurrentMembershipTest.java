package dev.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConcurrentMembershipTest {

  @Test
  void selectionsRunWhileEndpointsAreAddedRemovedAndReweighted() throws Exception {
    for (Selector selector : Selectors.all()) {
      EndpointPool pool = EndpointPool.create();
      for (int i = 0; i < 4; i++) {
        pool.add(Endpoint.of("stable-" + i, "h", 80));
      }
      LoadBalancer lb = LoadBalancer.builder(pool).selector(selector).seed(4).build();
      Set<String> everAdded = ConcurrentHashMap.newKeySet();
      everAdded.addAll(List.of("stable-0", "stable-1", "stable-2", "stable-3"));
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CyclicBarrier start = new CyclicBarrier(3);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int seed = t;
        threads.add(
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (int i = 0; i < 5_000; i++) {
                      Endpoint e =
                          lb.select(
                              RequestContext.ofClientAddress("10.2." + seed + "." + (i & 255)));
                      assertThat(everAdded).contains(e.id());
                      lb.complete(e, 1000, (i & 7) != 0);
                    }
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                }));
      }
      threads.forEach(Thread::start);
      start.await();
      for (int i = 0; i < 60; i++) {
        String id = "dynamic-" + i;
        everAdded.add(id);
        pool.add(Endpoint.of(id, "h", 81));
        pool.setWeight("stable-" + (i & 3), 1 + (i % 5));
        pool.setHealthy("stable-" + (i & 3), (i & 1) == 0);
        if (i >= 3) {
          pool.remove("dynamic-" + (i - 3));
        }
      }
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(failure.get()).as(selector.name()).isNull();
    }
  }
}
