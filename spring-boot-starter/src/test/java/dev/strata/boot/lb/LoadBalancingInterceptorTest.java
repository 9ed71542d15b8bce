package dev.strata.boot.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

/** Balanced requests against two real HTTP servers, one of which answers 503. */
class LoadBalancingInterceptorTest {

  private final AtomicInteger goodHits = new AtomicInteger();
  private final AtomicInteger badHits = new AtomicInteger();
  private final HttpServer good = server(200, "good", goodHits);
  private final HttpServer bad = server(503, "busy", badHits);

  @AfterEach
  void stop() {
    good.stop(0);
    bad.stop(0);
  }

  private RestClient client(boolean retry) {
    StrataLoadBalancerProperties properties = new StrataLoadBalancerProperties();
    StrataLoadBalancerProperties.Pool pool = new StrataLoadBalancerProperties.Pool();
    pool.setEndpoints(
        List.of(
            "127.0.0.1:" + bad.getAddress().getPort(), "127.0.0.1:" + good.getAddress().getPort()));
    pool.getRetry().setEnabled(retry);
    properties.getPools().put("backend", pool);
    StrataPools pools = PoolFactory.create(properties);
    return RestClient.builder().requestInterceptor(new LoadBalancingInterceptor(pools)).build();
  }

  @Test
  void idempotentRequestsAreRetriedOnAnotherEndpoint() {
    RestClient client = client(true);
    for (int i = 0; i < 10; i++) {
      assertThat(client.get().uri("http://backend/x").retrieve().body(String.class))
          .isEqualTo("good");
    }
    assertThat(goodHits).hasValue(10);
    assertThat(badHits.get()).isPositive();
  }

  @Test
  void nonIdempotentRequestsAreNotRetriedAndFailuresAreReported() {
    RestClient client = client(true);
    int failures = 0;
    for (int i = 0; i < 10; i++) {
      try {
        client.post().uri("http://backend/x").body("b").retrieve().toBodilessEntity();
      } catch (HttpServerErrorException e) {
        failures++;
      }
    }
    assertThat(failures).isEqualTo(badHits.get()).isPositive();
    assertThat(goodHits.get() + badHits.get()).isEqualTo(10);
  }

  @Test
  void withoutRetryA503ReachesTheCallerAndOtherHostsPassUnchanged() {
    RestClient client = client(false);
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 4; i++) {
                client.get().uri("http://backend/x").retrieve().body(String.class);
              }
            })
        .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);
    String direct =
        client
            .get()
            .uri("http://127.0.0.1:" + good.getAddress().getPort() + "/x")
            .retrieve()
            .body(String.class);
    assertThat(direct).isEqualTo("good");
  }

  private static HttpServer server(int status, String body, AtomicInteger hits) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            hits.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
