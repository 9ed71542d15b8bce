package dev.strata.boot.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.lb.LoadBalancer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

class StrataLoadBalancerAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(StrataLoadBalancerAutoConfiguration.class));

  @Test
  void poolsComeFromProperties() {
    runner
        .withPropertyValues(
            "strata.lb.pools.backend.endpoints=10.0.0.1:8080,10.0.0.2:8080;weight=3",
            "strata.lb.pools.backend.selector=least-connections")
        .run(
            context -> {
              LoadBalancer balancer = context.getBean(StrataPools.class).get("backend").get();
              assertThat(balancer.pool().endpoints())
                  .extracting(e -> e.id() + "/" + e.weight())
                  .containsExactly("10.0.0.1:8080/1", "10.0.0.2:8080/3");
            });
  }

  @Test
  void anEndpointThatDoesNotParseFailsNamingPropertyAndValue() {
    runner
        .withPropertyValues("strata.lb.pools.backend.endpoints=10.0.0.1:80,nohostport")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(StrataConfigurationException.class)
                    .hasMessageContaining("strata.lb.pools.backend.endpoints[1]")
                    .hasMessageContaining("nohostport"));
  }

  @Test
  void anUnknownSelectorFailsNamingPropertyAndValue() {
    runner
        .withPropertyValues(
            "strata.lb.pools.backend.endpoints=10.0.0.1:80",
            "strata.lb.pools.backend.selector=fastest-please")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("strata.lb.pools.backend.selector")
                    .hasStackTraceContaining("fastest-please"));
  }

  @Test
  void onlyMarkedRestClientBuildersAreBalanced() {
    runner
        .withUserConfiguration(Builders.class)
        .withPropertyValues("strata.lb.pools.backend.endpoints=127.0.0.1:1")
        .run(
            context -> {
              assertThat(interceptors(context.getBean("balanced", RestClient.Builder.class)))
                  .hasAtLeastOneElementOfType(LoadBalancingInterceptor.class);
              assertThat(interceptors(context.getBean("plain", RestClient.Builder.class)))
                  .noneMatch(i -> i instanceof LoadBalancingInterceptor);
            });
  }

  @Test
  void withoutTheLbModuleNothingIsConfigured() {
    runner
        .withClassLoader(new FilteredClassLoader(LoadBalancer.class))
        .withPropertyValues("strata.lb.pools.backend.endpoints=10.0.0.1:80")
        .run(context -> assertThat(context).doesNotHaveBean(StrataPools.class));
  }

  @Test
  void canBeSwitchedOff() {
    runner
        .withPropertyValues("strata.lb.enabled=false", "strata.lb.pools.backend.endpoints=x")
        .run(context -> assertThat(context).doesNotHaveBean(StrataPools.class));
  }

  private static List<ClientHttpRequestInterceptor> interceptors(RestClient.Builder builder) {
    List<ClientHttpRequestInterceptor> seen = new ArrayList<>();
    builder.requestInterceptors(seen::addAll);
    return seen;
  }

  @Configuration(proxyBeanMethods = false)
  static class Builders {
    @Bean
    @StrataLoadBalanced
    RestClient.Builder balanced() {
      return RestClient.builder();
    }

    @Bean
    RestClient.Builder plain() {
      return RestClient.builder();
    }
  }
}
