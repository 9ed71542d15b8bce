package dev.strata.boot.lb;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Marks a {@code RestClient.Builder} bean whose requests to {@code http://<pool-name>/...} go to an
 * endpoint of the Strata pool of that name ({@code strata.lb.pools.<pool-name>.*}), chosen by the
 * pool's selector, with the outcome reported back. Requests to other hosts pass unchanged. Also a
 * qualifier, for injecting the marked builder.
 *
 * <pre>{@code
 * @Bean
 * @StrataLoadBalanced
 * RestClient.Builder balanced() {
 *   return RestClient.builder();
 * }
 * }</pre>
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface StrataLoadBalanced {}
