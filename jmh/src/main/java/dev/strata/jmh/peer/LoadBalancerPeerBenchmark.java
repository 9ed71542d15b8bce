package dev.strata.jmh.peer;

import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.RequestContext;
import dev.strata.lb.Selectors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * A round-robin pick over {@value #ENDPOINTS} endpoints: Strata's {@link LoadBalancer} with {@link
 * Selectors#roundRobin()} ({@code strataRoundRobin}) beside the floor ({@code rawAtomicRoundRobin},
 * an {@link AtomicInteger} modulo an array) and Spring Cloud LoadBalancer 5.0.4's {@link
 * RoundRobinLoadBalancer} ({@code springCloudRoundRobin}).
 *
 * <p>Spring Cloud configuration: the balancer as its auto-configuration builds it for a service,
 * fed by a {@link ServiceInstanceListSupplier} that returns the same fixed list of {@value
 * #ENDPOINTS} {@link DefaultServiceInstance}s every time (no discovery client, no caching or
 * health-check supplier in front: the cheapest supplier there is). The pick is {@code
 * choose(request).block()}, as a blocking caller (a {@code RestTemplate} interceptor) makes it; the
 * {@link Request} is built once and reused. Run with {@code -prof gc} to see the allocation per
 * pick.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LoadBalancerPeerBenchmark {

  static final int ENDPOINTS = 10;

  private static final String SERVICE = "benchmark-service";

  private final AtomicInteger rawCounter = new AtomicInteger();
  private final RequestContext context = RequestContext.ofClientAddress("10.0.0.1");
  private final Request<?> request = new DefaultRequest<>();
  private Endpoint[] array = new Endpoint[0];
  private LoadBalancer strata;
  private RoundRobinLoadBalancer springCloud;

  @Setup
  public void build() {
    EndpointPool pool = EndpointPool.create();
    List<ServiceInstance> instances = new ArrayList<>();
    for (int i = 0; i < ENDPOINTS; i++) {
      pool.add(Endpoint.builder("e" + i, "10.1.0." + i, 8080).build());
      instances.add(new DefaultServiceInstance("e" + i, SERVICE, "10.1.0." + i, 8080, false));
    }
    array = pool.endpoints().toArray(new Endpoint[0]);
    strata = LoadBalancer.builder(pool).selector(Selectors.roundRobin()).build();
    List<ServiceInstance> fixed = List.copyOf(instances);
    ServiceInstanceListSupplier supplier =
        new ServiceInstanceListSupplier() {
          @Override
          public String getServiceId() {
            return SERVICE;
          }

          @Override
          public Flux<List<ServiceInstance>> get() {
            return Flux.just(fixed);
          }
        };
    springCloud = new RoundRobinLoadBalancer(new FixedProvider<>(supplier), SERVICE);
    if (springCloudRoundRobin() == null || strataRoundRobin() == null) {
      throw new IllegalStateException("a balancer picked nothing");
    }
  }

  @Benchmark
  public Endpoint rawAtomicRoundRobin() {
    Endpoint[] endpoints = array;
    return endpoints[(rawCounter.getAndIncrement() & Integer.MAX_VALUE) % endpoints.length];
  }

  @Benchmark
  public Endpoint strataRoundRobin() {
    return strata.select(context);
  }

  @Benchmark
  public ServiceInstance springCloudRoundRobin() {
    Response<ServiceInstance> response = springCloud.choose(request).block();
    return response.getServer();
  }

  /** The object provider Spring's context would hand the balancer, holding one supplier. */
  private static final class FixedProvider<T> implements ObjectProvider<T> {
    private final T object;

    FixedProvider(T object) {
      this.object = object;
    }

    @Override
    public T getObject() {
      return object;
    }

    @Override
    public T getObject(Object... args) {
      return object;
    }

    @Override
    public T getIfAvailable() {
      return object;
    }

    @Override
    public T getIfUnique() {
      return object;
    }
  }
}
