package dev.strata.boot.it;

import dev.strata.boot.lb.StrataLoadBalanced;
import java.security.Principal;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/** An application with cached lookups, form login and a balanced RestClient. */
@SpringBootApplication
@EnableCaching
public class BookApplication {

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            requests -> requests.requestMatchers("/me").authenticated().anyRequest().permitAll())
        .formLogin(Customizer.withDefaults())
        .requestCache(cache -> cache.disable());
    return http.build();
  }

  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("alice").password("{noop}wonderland").roles("USER").build());
  }

  @Bean
  @StrataLoadBalanced
  RestClient.Builder balancedRestClientBuilder() {
    return RestClient.builder();
  }

  @RestController
  static class MeController {
    @GetMapping("/me")
    String me(Principal principal) {
      return principal.getName();
    }
  }
}
