package dev.strata.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.strata.boot.lb.StrataPools;
import dev.strata.session.SessionStore;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.TestDatabases;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * The starter in a real application: Redis from test-support, PostgreSQL (H2 when it is not
 * reachable), three real HTTP backends, and a second instance of the application for sessions.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StarterEndToEndTest {

  private static final RedisServer redis = RedisServer.start();
  private static final String TABLE = TestDatabases.uniqueName("books");
  private static final List<HttpServer> backends = new ArrayList<>();
  private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @Autowired BookService books;
  @Autowired BookAdmin admin;
  @Autowired CacheManager cacheManager;
  @Autowired SessionStore sessionStore;
  @Autowired StrataPools pools;
  @Autowired RestClient.Builder balancedRestClientBuilder;
  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    for (Map.Entry<String, Object> e : commonProperties().entrySet()) {
      registry.add(e.getKey(), e::getValue);
    }
  }

  static Map<String, Object> commonProperties() throws IOException {
    Map<String, Object> p = new java.util.LinkedHashMap<>();
    p.put("strata.redis.url", redis.uri());
    p.put("strata.redis.timeout", "3s"); // generous: the machine may be loaded
    p.put("strata.cache.caches.books.ttl", "10m");
    p.put("strata.session.enabled", "true");
    p.put("server.servlet.session.cookie.name", "APPSESSION");
    p.put("server.servlet.session.cookie.secure", "false");
    p.put("management.endpoints.web.exposure.include", "health");
    p.put("management.endpoint.health.show-components", "always");
    p.put("app.books-table", TABLE);
    if (TestDatabases.postgresAvailable()) {
      p.put("spring.datasource.url", TestDatabases.postgresUrl());
      p.put("spring.datasource.username", "postgres");
    } else {
      p.put("spring.datasource.url", "jdbc:h2:mem:" + TABLE + ";DB_CLOSE_DELAY=-1");
    }
    synchronized (backends) {
      if (backends.isEmpty()) {
        for (String name : List.of("one", "two", "three")) {
          backends.add(backend(name));
        }
      }
    }
    StringBuilder endpoints = new StringBuilder();
    for (HttpServer backend : backends) {
      endpoints.append(endpoints.isEmpty() ? "" : ",");
      endpoints.append("127.0.0.1:").append(backend.getAddress().getPort());
    }
    p.put("strata.lb.pools.backend.endpoints", endpoints.toString());
    p.put("strata.lb.pools.backend.health-check.enabled", "true");
    p.put("strata.lb.pools.backend.health-check.path", "/health");
    p.put("strata.lb.pools.backend.health-check.interval", "200ms");
    p.put("strata.lb.pools.backend.health-check.rise", "1");
    p.put("strata.lb.pools.backend.health-check.fall", "1");
    return p;
  }

  private static HttpServer backend(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hits.put(name, new AtomicInteger());
    server.createContext(
        "/",
        exchange -> {
          if (!exchange.getRequestURI().getPath().equals("/health")) {
            hits.get(name).incrementAndGet();
          }
          byte[] body = name.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }

  @AfterAll
  static void stop() {
    backends.forEach(b -> b.stop(0));
    redis.close();
  }

  @Test
  @Order(1)
  void fiftyConcurrentFirstCallsMakeOneQueryAndLaterCallsHit() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    books.holdQueriesUntil(gate);
    int before = books.queryCount();
    List<Thread> callers = new ArrayList<>();
    List<String> results = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 50; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  results.add(books.title(100));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      callers.add(t);
      t.start();
    }
    // every caller is blocked: one in the query (on the gate), 49 waiting for its result
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                callers.stream()
                    .allMatch(
                        t ->
                            t.getState() == Thread.State.WAITING
                                || t.getState() == Thread.State.TIMED_WAITING));
    gate.countDown();
    for (Thread t : callers) {
      t.join(30_000);
    }
    assertThat(results).hasSize(50).containsOnly("Ulysses");
    assertThat(books.queryCount() - before).isEqualTo(1);

    assertThat(books.title(100)).isEqualTo("Ulysses");
    assertThat(books.title(100)).isEqualTo("Ulysses");
    assertThat(books.queryCount() - before).isEqualTo(1);
  }

  @Test
  @Order(2)
  void anEvictionInARolledBackTransactionEvictsNothing() throws Exception {
    assertThat(books.title(1)).isEqualTo("Dune");
    int before = books.queryCount();

    assertThatThrownBy(() -> admin.renameThenFail(1, "Dune Messiah"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(books.titleInDatabase(1)).isEqualTo("Dune");
    assertThat(books.title(1)).isEqualTo("Dune");
    assertThat(books.queryCount()).isEqualTo(before); // still cached

    books.rename(1, "Children of Dune"); // committed: evicted after commit
    assertThat(books.title(1)).isEqualTo("Children of Dune");
    assertThat(books.queryCount()).isEqualTo(before + 1);
  }

  @Test
  @Order(3)
  void twoInstancesShareALoginThroughRedis() throws Exception {
    Map<String, Object> properties = commonProperties();
    properties.put("server.port", "0");
    properties.put("app.init-db", "false");
    try (ConfigurableApplicationContext other =
        new SpringApplicationBuilder(BookApplication.class).properties(properties).run()) {
      int otherPort = other.getEnvironment().getProperty("local.server.port", Integer.class, 0);

      HttpResponse<String> loginPage = get(port, "/login", null);
      String firstId = cookie(loginPage);
      Matcher csrf =
          Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(loginPage.body());
      assertThat(csrf.find()).as("login page has a CSRF token").isTrue();

      HttpResponse<String> login =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                  .header("Cookie", "APPSESSION=" + firstId)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "username=alice&password=wonderland&_csrf="
                              + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(302);
      assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
      String loggedInId = cookie(login);
      assertThat(loggedInId).isNotEqualTo(firstId); // fixation protection rotated the id

      HttpResponse<String> me = get(otherPort, "/me", loggedInId);
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.body()).isEqualTo("alice");
      assertThat(get(otherPort, "/me", firstId).statusCode()).isNotEqualTo(200);
      assertThat(sessionStore.findByPrincipal("alice")).contains(loggedInId);
    }
  }

  @Test
  @Order(4)
  void aBalancedRestClientSpreadsCallsAndAvoidsAStoppedBackend() {
    RestClient client = balancedRestClientBuilder.build();
    hits.values().forEach(h -> h.set(0));
    for (int i = 0; i < 30; i++) {
      assertThat(client.get().uri("http://backend/work").retrieve().body(String.class))
          .isIn("one", "two", "three");
    }
    assertThat(hits.get("one").get()).isEqualTo(10);
    assertThat(hits.get("two").get()).isEqualTo(10);
    assertThat(hits.get("three").get()).isEqualTo(10);

    HttpServer third = backends.get(2);
    String thirdId = "127.0.0.1:" + third.getAddress().getPort();
    third.stop(0);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !pools.get("backend").get().pool().isHealthy(thirdId));
    hits.values().forEach(h -> h.set(0));
    for (int i = 0; i < 30; i++) {
      assertThat(client.get().uri("http://backend/work").retrieve().body(String.class))
          .isIn("one", "two");
    }
    assertThat(hits.get("one").get() + hits.get("two").get()).isEqualTo(30);
  }

  @Test
  @Order(5)
  void readinessIsServiceUnavailableWhileRedisIsFrozen() throws Exception {
    assertThat(get(port, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
    redis.suspend();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(port, "/actuator/health/readiness", null).statusCode() == 503);
    } finally {
      redis.resume();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(port, "/actuator/health/readiness", null).statusCode() == 200);
    assertThat(get(port, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(int port, String path, String sessionId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (sessionId != null) {
      request.header("Cookie", "APPSESSION=" + sessionId);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie(HttpResponse<?> response) {
    for (String header : response.headers().allValues("Set-Cookie")) {
      if (header.startsWith("APPSESSION=")) {
        return header.substring("APPSESSION=".length(), header.indexOf(';'));
      }
    }
    throw new AssertionError("no APPSESSION cookie in " + response.headers().map());
  }
}
