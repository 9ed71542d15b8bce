package dev.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * No selector allocates per pick: measured with the JVM's per-thread allocation counter over many
 * selections (even interpreted, before escape analysis could hide an allocation).
 */
class SelectPathAllocationTest {

  @Test
  void noSelectorAllocatesOnTheSelectPath() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    RequestContext[] contexts = new RequestContext[64];
    for (int i = 0; i < contexts.length; i++) {
      contexts[i] = RequestContext.ofClientAddress("10.0.3." + i);
    }
    for (Selector selector : Selectors.all()) {
      EndpointPool pool = EndpointPool.create();
      for (int i = 0; i < 50; i++) {
        pool.add(Endpoint.builder("e" + i, "h" + i, 80).weight(1 + i % 3).build());
      }
      pool.setHealthy("e7", false);
      LoadBalancer lb = LoadBalancer.builder(pool).selector(selector).seed(1).build();
      for (int i = 0; i < 1000; i++) {
        lb.complete(lb.select(contexts[i & 63]), 1000, true); // builds tables, warms up
      }
      long before = threads.getThreadAllocatedBytes(self);
      for (int i = 0; i < 20_000; i++) {
        Endpoint e = lb.select(contexts[i & 63]);
        if ((i & 1) == 0) {
          lb.complete(e, 1000, true);
        }
      }
      long allocated = threads.getThreadAllocatedBytes(self) - before;
      // a few hundred bytes of slack for the counter's own bookkeeping; one object per pick
      // would be at least 320,000 bytes
      assertThat(allocated).as(selector.name()).isLessThan(2_000);
    }
  }
}
