package dev.strata.boot.lb;

import dev.strata.lb.Endpoint;
import dev.strata.lb.LoadBalancer;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sends a request whose host names a Strata pool to an endpoint the pool's balancer selects, and
 * reports the outcome (latency; success unless an I/O error or a 5xx status) back to the balancer.
 * With retry on for the pool, an idempotent request that failed with an I/O error or a 502, 503 or
 * 504 is sent again to a newly selected endpoint, up to the pool's attempts. Requests to other
 * hosts pass unchanged. Thread-safe.
 */
final class LoadBalancingInterceptor implements ClientHttpRequestInterceptor {

  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.OPTIONS,
          HttpMethod.PUT,
          HttpMethod.DELETE,
          HttpMethod.TRACE);

  private final StrataPools pools;

  LoadBalancingInterceptor(StrataPools pools) {
    this.pools = pools;
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    String host = request.getURI().getHost();
    Optional<LoadBalancer> found = host == null ? Optional.empty() : pools.get(host);
    if (found.isEmpty()) {
      return execution.execute(request, body);
    }
    LoadBalancer balancer = found.get();
    StrataPools.PoolSettings settings = pools.settings(host);
    int attempts =
        settings.retry() && IDEMPOTENT.contains(request.getMethod()) ? settings.maxAttempts() : 1;
    for (int attempt = 1; ; attempt++) {
      Endpoint endpoint = balancer.select();
      HttpRequest routed = routed(request, endpoint);
      long start = System.nanoTime();
      ClientHttpResponse response;
      try {
        response = execution.execute(routed, body);
      } catch (IOException e) {
        balancer.complete(endpoint, System.nanoTime() - start, false);
        if (attempt < attempts) {
          continue;
        }
        throw e;
      }
      int status = response.getStatusCode().value();
      balancer.complete(endpoint, System.nanoTime() - start, status < 500);
      if (attempt < attempts && (status == 502 || status == 503 || status == 504)) {
        response.close();
        continue;
      }
      return response;
    }
  }

  private static HttpRequest routed(HttpRequest request, Endpoint endpoint) {
    URI uri =
        UriComponentsBuilder.fromUri(request.getURI())
            .host(endpoint.address().getHostString())
            .port(endpoint.address().getPort())
            .build(true)
            .toUri();
    return new HttpRequestWrapper(request) {
      @Override
      public URI getURI() {
        return uri;
      }
    };
  }
}
