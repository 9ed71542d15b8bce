package dev.strata.boot.lb;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.boot.lb.StrataLoadBalancerProperties.HealthCheck;
import dev.strata.health.active.ActiveHealthChecker;
import dev.strata.health.active.EndpointProbe;
import dev.strata.lb.LoadBalancer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * Endpoint pools from {@code strata.lb.pools.<name>.*} (with active health checks where enabled)
 * and the load-balanced {@link RestClient}: every {@code RestClient.Builder} bean marked {@link
 * StrataLoadBalanced} gets an interceptor that sends requests for {@code http://<pool-name>/...} to
 * the pool's endpoints. Off with {@code strata.lb.enabled=false}; an application's own {@link
 * StrataPools} bean replaces the configured pools.
 */
@AutoConfiguration
@ConditionalOnClass(LoadBalancer.class)
@ConditionalOnBooleanProperty(name = "strata.lb.enabled", matchIfMissing = true)
@EnableConfigurationProperties(StrataLoadBalancerProperties.class)
public class StrataLoadBalancerAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public StrataLoadBalancerAutoConfiguration() {}

  /**
   * The pools.
   *
   * @param properties the pool properties
   * @return the pools, validated
   */
  @Bean
  @ConditionalOnMissingBean
  StrataPools strataPools(StrataLoadBalancerProperties properties) {
    return PoolFactory.create(properties);
  }

  /** Active health checking of pools that ask for it. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ActiveHealthChecker.class)
  static class ActiveChecks {

    @Bean
    PoolHealthCheckers strataPoolHealthCheckers(
        StrataPools pools, StrataLoadBalancerProperties properties) {
      List<ActiveHealthChecker> checkers = new ArrayList<>();
      try {
        properties
            .getPools()
            .forEach(
                (name, pool) -> {
                  HealthCheck hc = pool.getHealthCheck();
                  if (!hc.isEnabled() || pools.get(name).isEmpty()) {
                    return;
                  }
                  String prefix = "strata.lb.pools." + name + ".health-check.";
                  EndpointProbe probe;
                  try {
                    probe =
                        hc.getPath() == null
                            ? EndpointProbe.tcp()
                            : EndpointProbe.http(hc.getPath());
                  } catch (IllegalArgumentException e) {
                    throw new StrataConfigurationException(
                        prefix + "path", String.valueOf(hc.getPath()), e.getMessage(), null);
                  }
                  ActiveHealthChecker.Builder builder =
                      ActiveHealthChecker.builder(pools.get(name).get().pool())
                          .probe(probe)
                          .interval(PoolFactory.positive(prefix + "interval", hc.getInterval()))
                          .rise(hc.getRise())
                          .fall(hc.getFall());
                  if (hc.getTimeout() != null) {
                    builder.timeout(PoolFactory.positive(prefix + "timeout", hc.getTimeout()));
                  }
                  try {
                    checkers.add(builder.build().start());
                  } catch (IllegalArgumentException e) {
                    throw new StrataConfigurationException(
                        prefix + "rise/fall",
                        hc.getRise() + "/" + hc.getFall(),
                        e.getMessage(),
                        null);
                  }
                });
      } catch (RuntimeException e) {
        checkers.forEach(ActiveHealthChecker::close);
        throw e;
      }
      return new PoolHealthCheckers(checkers);
    }
  }

  /** The load-balanced RestClient. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RestClient.class)
  static class BalancedRestClient {

    @Bean
    static BeanPostProcessor strataLoadBalancedRestClientBuilders(
        ObjectProvider<StrataPools> pools, BeanFactory beanFactory) {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName)
            throws BeansException {
          if (bean instanceof RestClient.Builder builder
              && beanFactory instanceof ConfigurableListableBeanFactory listable
              && listable.containsBeanDefinition(beanName)
              && listable.findAnnotationOnBean(beanName, StrataLoadBalanced.class) != null) {
            builder.requestInterceptor(new LoadBalancingInterceptor(pools.getObject()));
          }
          return bean;
        }
      };
    }
  }

  /** The active health checkers, closed with the context. */
  static final class PoolHealthCheckers implements DisposableBean {
    private final List<ActiveHealthChecker> checkers;

    PoolHealthCheckers(List<ActiveHealthChecker> checkers) {
      this.checkers = List.copyOf(checkers);
    }

    @Override
    public void destroy() {
      checkers.forEach(ActiveHealthChecker::close);
    }
  }
}
