package dev.strata.demo.service;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Adds {@code X-Strata-Instance: <id>} to every response (API, status page, actuator, errors),
 * before anything can commit it. Thread-safe.
 */
final class InstanceHeaderFilter implements Filter {

  static final String HEADER = "X-Strata-Instance";

  private final String instance;

  InstanceHeaderFilter(String instance) {
    this.instance = instance;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (response instanceof HttpServletResponse http) {
      http.setHeader(HEADER, instance);
    }
    chain.doFilter(request, response);
    if (response instanceof HttpServletResponse http && !http.isCommitted()) {
      http.setHeader(HEADER, instance); // again: a filter may have reset the response
    }
  }
}
