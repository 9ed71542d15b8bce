package dev.strata.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.session.CommandCounter;
import dev.strata.session.MutableClock;
import dev.strata.session.RedisSessionStore;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter against bad input, failures and races, on real Tomcat and a real Redis. */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionFilterTest {

  private static final Duration IDLE = Duration.ofMinutes(30);

  private final MutableClock clock = new MutableClock();
  private final CommandCounter commands = new CommandCounter();
  private final ShopServlet servlet = new ShopServlet();
  private RedisServer redis;
  private RedisClient client;
  private RedisSessionStore store;
  private RedisCommands<String, String> raw;
  private EmbeddedTomcat cookieServer;
  private EmbeddedTomcat headerServer;

  @BeforeAll
  void startServers(RedisServer redis) {
    this.redis = redis;
    client = RedisClient.create(redis.uri());
    client.addListener(commands);
    store =
        RedisSessionStore.builder(client)
            .idleTimeout(IDLE)
            .commandTimeout(Duration.ofMillis(500))
            .maxAttributeBytes(10_000)
            .clock(clock)
            .build();
    StatefulRedisConnection<String, String> connection = RedisClient.create(redis.uri()).connect();
    raw = connection.sync();
    cookieServer = EmbeddedTomcat.start(SessionFilter.builder(store).build(), servlet);
    headerServer =
        EmbeddedTomcat.start(
            SessionFilter.builder(store).headerName("X-Session-Token").build(), new ShopServlet());
  }

  @AfterAll
  void stopServers() {
    cookieServer.close();
    headerServer.close();
    store.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
  }

  @BeforeEach
  void reset() {
    servlet.rendezvous = null;
  }

  private String url(String path) {
    return cookieServer.baseUri() + path;
  }

  private HttpSessionClient loggedInUser() {
    HttpSessionClient user = new HttpSessionClient("__Host-SESSION");
    user.get(url("/visit"));
    assertThat(user.sessionId()).isNotNull();
    return user;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "x",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+A",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%A",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
        "6F9619FF8B86D011B42D00C04FC964FF",
        "abc}:{def",
        "overlong"
      })
  void malformedCookiesAndHeadersMeanNoSessionWithoutAnyRedisCall(String value) {
    String id = value.equals("overlong") ? "A".repeat(4000) : value;
    int before = commands.count();

    HttpSessionClient viaCookie = new HttpSessionClient("__Host-SESSION");
    viaCookie.setSessionId(id);
    HttpResponse<String> cart = viaCookie.get(url("/cart"));
    assertThat(cart.statusCode()).isEqualTo(401);
    assertThat(HttpSessionClient.setCookies(cart)).isEmpty();
    assertThat(viaCookie.get(url("/requested")).body()).isEqualTo("null|false");

    HttpResponse<String> viaHeader =
        new HttpSessionClient("unused")
            .send(
                HttpRequest.newBuilder(URI.create(headerServer.baseUri() + "/cart"))
                    .header("X-Session-Token", id));
    assertThat(viaHeader.statusCode()).isEqualTo(401);

    assertThat(commands.since(before)).isEmpty();
  }

  @Test
  void aMissingCookieMeansNoSessionAndNoRedisCall() {
    int before = commands.count();
    HttpSessionClient anonymous = new HttpSessionClient("__Host-SESSION");
    assertThat(anonymous.get(url("/cart")).statusCode()).isEqualTo(401);
    assertThat(anonymous.get(url("/get?name=x")).body()).isEqualTo("none");
    assertThat(commands.since(before)).isEmpty();
  }

  @Test
  void otherCookiesAndSeveralCookiesOfTheSameNameAreHandled() {
    HttpSessionClient user = loggedInUser();
    String id = user.sessionId();
    // A cookie without the __Host- prefix (as a sibling subdomain could plant) is not read.
    String other = loggedInUser().sessionId();
    HttpResponse<String> response =
        new HttpSessionClient("unused")
            .send(
                HttpRequest.newBuilder(URI.create(url("/get?name=visits")))
                    .header(
                        "Cookie",
                        "JSESSIONID=abc; SESSION="
                            + other
                            + "; __Host-SESSION=garbage; __Host-SESSION="
                            + id));
    assertThat(response.body()).isEqualTo("1");
  }

  @Test
  void severalLiveSessionCookiesAreNotTrustedOneOverAnother() {
    HttpSessionClient victim = loggedInUser();
    victim.get(url("/set?name=owner&value=victim"));
    HttpSessionClient attacker = loggedInUser();
    attacker.get(url("/set?name=owner&value=attacker"));
    for (String order :
        List.of(
            attacker.sessionId() + "; __Host-SESSION=" + victim.sessionId(),
            victim.sessionId() + "; __Host-SESSION=" + attacker.sessionId())) {
      HttpResponse<String> response =
          new HttpSessionClient("unused")
              .send(
                  HttpRequest.newBuilder(URI.create(url("/get?name=owner")))
                      .header("Cookie", "__Host-SESSION=" + order));
      assertThat(response.body()).as("cookies %s", order).isEqualTo("none");
    }
    // One live and one dead cookie: the live one is used, whichever comes first.
    String dead = store.create().getId();
    HttpResponse<String> response =
        new HttpSessionClient("unused")
            .send(
                HttpRequest.newBuilder(URI.create(url("/get?name=owner")))
                    .header(
                        "Cookie",
                        "__Host-SESSION=" + dead + "; __Host-SESSION=" + victim.sessionId()));
    assertThat(response.body()).isEqualTo("victim");
  }

  @Test
  void theHostPrefixIsUsedOnlyWhereTheCookieQualifies() {
    assertThat(SessionFilter.builder(store).validate().effectiveName(""))
        .isEqualTo("__Host-SESSION");
    assertThat(SessionFilter.builder(store).validate().effectiveName("/shop")).isEqualTo("SESSION");
    assertThat(SessionFilter.builder(store).cookieSecure(false).validate().effectiveName(""))
        .isEqualTo("SESSION");
    assertThat(
            SessionFilter.builder(store).cookieDomain("example.com").validate().effectiveName(""))
        .isEqualTo("SESSION");
    assertThat(SessionFilter.builder(store).cookieHostPrefix(false).validate().effectiveName(""))
        .isEqualTo("SESSION");
  }

  @Test
  void anExpiredButWellFormedIdIsRejectedAndTheCookieCleared() {
    HttpSessionClient user = loggedInUser();
    String id = user.sessionId();
    clock.advance(IDLE.plusSeconds(1));
    long expiredBefore = store.stats().expired();
    HttpResponse<String> response = user.get(url("/cart"));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(HttpSessionClient.setCookies(response))
        .singleElement()
        .satisfies(c -> assertThat(c).startsWith("__Host-SESSION=;").contains("Max-Age=0"));
    assertThat(store.stats().expired()).isEqualTo(expiredBefore + 1);
    assertThat(user.sessionId()).isNull();
    // A new session is a new id, never the expired one.
    user.get(url("/visit"));
    assertThat(user.sessionId()).isNotNull().isNotEqualTo(id);
  }

  @Test
  void anAttributeTooLargeIsAClearErrorAndNothingIsWritten() {
    HttpSessionClient user = loggedInUser();
    HttpResponse<String> response = user.post(url("/big?bytes=20000"));
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("maxAttributeBytes is 10000");
    assertThat(raw.hexists(store.sessionKey(user.sessionId()), "a:blob")).isFalse();
    assertThat(user.post(url("/big?bytes=100")).body()).isEqualTo("stored");
    assertThat(raw.hexists(store.sessionKey(user.sessionId()), "a:blob")).isTrue();
  }

  @Test
  void aCorruptedAttributeIsSkippedKeptAndTheRequestSucceeds() {
    HttpSessionClient user = loggedInUser();
    user.post(url("/cart/add?item=apple"));
    String key = store.sessionKey(user.sessionId());
    raw.hset(key, "a:cart", "j[\"apple\", broken");
    long failures = store.stats().decodeFailures();

    HttpResponse<String> cart = user.get(url("/cart"));
    assertThat(cart.statusCode()).isEqualTo(200);
    assertThat(cart.body()).isEmpty();
    assertThat(user.get(url("/get?name=visits")).body()).isEqualTo("1");
    assertThat(raw.hget(key, "a:cart")).isEqualTo("j[\"apple\", broken");
    assertThat(store.stats().decodeFailures()).isEqualTo(failures + 1);
    // Overwriting it on purpose replaces it.
    assertThat(user.post(url("/cart/add?item=pear")).body()).isEqualTo("1");
    assertThat(raw.hget(key, "a:cart")).isNotEqualTo("j[\"apple\", broken");
  }

  @Test
  void redisDownFailsTheRequestWith503AndTheHealthSignalGoesDown() {
    HttpSessionClient user = loggedInUser();
    assertThat(store.isAvailable()).isTrue();
    redis.kill();
    HttpResponse<String> response = user.post(url("/cart/add?item=apple"));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("Session store unavailable");
    assertThat(store.isAvailable()).isFalse();
    HttpSessionClient newcomer = new HttpSessionClient("__Host-SESSION");
    assertThat(newcomer.get(url("/visit")).statusCode()).isEqualTo(503);
    assertThat(newcomer.sessionId()).as("no cookie for a session that was not stored").isNull();
    // Requests that do not touch the session are unaffected.
    assertThat(newcomer.get(url("/nothing")).statusCode()).isEqualTo(404);
    redis.restart();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(store::isAvailable);
  }

  @Test
  void aSaveCutOffBySuspendedRedisWritesAllOrNothing() {
    HttpSessionClient user = loggedInUser();
    user.post(url("/set?name=a&name=b&value=old"));
    CompletableFuture<HttpResponse<String>> pending;
    // Hold the request inside the servlet until Redis is frozen, so the save meets a frozen Redis.
    CountDownLatch inServlet = new CountDownLatch(2);
    servlet.rendezvous = inServlet;
    pending = CompletableFuture.supplyAsync(() -> user.post(url("/set?name=a&name=b&value=new")));
    org.awaitility.Awaitility.await().until(() -> inServlet.getCount() == 1);
    redis.suspend();
    inServlet.countDown();
    HttpResponse<String> response = pending.join();
    redis.resume();
    assertThat(response.statusCode()).isEqualTo(503);
    org.awaitility.Awaitility.await().until(store::isAvailable);
    Map<String, String> stored = raw.hgetall(store.sessionKey(user.sessionId()));
    assertThat(List.of(stored.get("a:a"), stored.get("a:b")))
        .isIn(List.of("sold", "sold"), List.of("snew", "snew"));
  }

  @Test
  void twoRequestsRacingOnTheSameNewSessionBothKeepTheirChanges() {
    HttpSessionClient user = new HttpSessionClient("__Host-SESSION");
    user.get(url("/visit"));
    String id = user.sessionId();
    servlet.rendezvous = new CountDownLatch(2);
    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(() -> user.post(url("/set?name=first&value=1")));
    CompletableFuture<HttpResponse<String>> second =
        CompletableFuture.supplyAsync(() -> user.post(url("/set?name=second&value=2")));
    assertThat(first.join().body()).isEqualTo("ok");
    assertThat(second.join().body()).isEqualTo("ok");
    servlet.rendezvous = null;
    assertThat(user.sessionId()).isEqualTo(id);
    assertThat(user.get(url("/get?name=first")).body()).isEqualTo("1");
    assertThat(user.get(url("/get?name=second")).body()).isEqualTo("2");
    assertThat(user.get(url("/get?name=visits")).body()).isEqualTo("1");
  }

  @Test
  void concurrentFirstRequestsWithoutACookieGetDistinctSessions() {
    servlet.rendezvous = new CountDownLatch(4);
    List<CompletableFuture<String>> requests = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      requests.add(
          CompletableFuture.supplyAsync(
              () -> {
                HttpSessionClient c = new HttpSessionClient("__Host-SESSION");
                c.post(url("/set?name=n&value=" + n));
                return c.sessionId();
              }));
    }
    Set<String> ids = ConcurrentHashMap.newKeySet();
    requests.forEach(r -> ids.add(r.join()));
    assertThat(ids).hasSize(4).doesNotContainNull();
    ids.forEach(id -> assertThat(raw.exists(store.sessionKey(id))).isEqualTo(1));
  }

  @Test
  void theCookieIsSetEvenWhenTheResponseIsCommittedEarly() {
    for (String path : new String[] {"/stream", "/redirect", "/flush"}) {
      HttpSessionClient user = new HttpSessionClient("__Host-SESSION");
      HttpResponse<String> response = user.get(url(path));
      assertThat(user.sessionId()).as(path).isNotNull();
      assertThat(raw.exists(store.sessionKey(user.sessionId()))).as(path).isEqualTo(1);
      if (path.equals("/stream")) {
        assertThat(response.body()).hasSize(20_000);
      }
    }
    HttpSessionClient user = new HttpSessionClient("__Host-SESSION");
    user.get(url("/flush"));
    assertThat(user.get(url("/get?name=afterFlush")).body())
        .as("a change after the response was committed is still saved")
        .isEqualTo("yes");
  }

  @Test
  void headerModeCarriesTheIdInTheHeaderAndSetsNoCookie() {
    HttpSessionClient api = new HttpSessionClient("unused");
    HttpResponse<String> created =
        api.send(HttpRequest.newBuilder(URI.create(headerServer.baseUri() + "/visit")));
    String token = created.headers().firstValue("X-Session-Token").orElseThrow();
    assertThat(token).hasSize(43);
    assertThat(HttpSessionClient.setCookies(created)).isEmpty();
    HttpResponse<String> again =
        api.send(
            HttpRequest.newBuilder(URI.create(headerServer.baseUri() + "/visit"))
                .header("X-Session-Token", token));
    assertThat(again.body()).isEqualTo("old");
    assertThat(again.headers().firstValue("X-Session-Token")).isEmpty();
    HttpResponse<String> logout =
        api.send(
            HttpRequest.newBuilder(URI.create(headerServer.baseUri() + "/logout"))
                .header("X-Session-Token", token));
    assertThat(logout.headers().firstValue("X-Session-Token")).hasValue("");
  }

  @Test
  void requestedSessionIdReportsTheCookieAndItsValidity() {
    HttpSessionClient user = loggedInUser();
    assertThat(user.get(url("/requested")).body()).isEqualTo(user.sessionId() + "|true");
  }

  @Test
  void aFilterDeclaredWithInitParametersAsInWebXmlWorks() {
    try (EmbeddedTomcat declared =
        EmbeddedTomcat.startDeclared(
            Map.of(
                "redisUri", redis.uri(),
                "cookieName", "APPSESSION",
                "cookieSecure", "false",
                "cookieSameSite", "strict",
                "cookieMaxAge", "PT1H",
                "idleTimeout", "PT10M"),
            new ShopServlet())) {
      HttpSessionClient user = new HttpSessionClient("APPSESSION");
      HttpResponse<String> response = user.get(declared.baseUri() + "/visit");
      assertThat(HttpSessionClient.setCookies(response).get(0))
          .isEqualTo(
              "APPSESSION="
                  + user.sessionId()
                  + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600");
      assertThat(user.get(declared.baseUri() + "/visit").body()).isEqualTo("old");
      assertThat(raw.pttl("strata:s:{" + user.sessionId() + "}")).isBetween(1L, 600_000L);
    }
  }
}
