package dev.strata.demo.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two instances of the service in one JVM, sharing one Redis and one H2 database (TCP), as the demo
 * runs three behind the front balancer: what one instance does is seen by the other.
 */
class TwoInstancesTest {

  private static DemoBackends backends;
  private static String a;
  private static String b;

  @BeforeAll
  static void start() throws Exception {
    backends = new DemoBackends();
    a = DemoBackends.baseUrl(backends.start("app-a"));
    b = DemoBackends.baseUrl(backends.start("app-b"));
  }

  @AfterAll
  static void stop() {
    if (backends != null) {
      backends.close();
    }
  }

  @Test
  void aLoginOnOneInstanceIsTheSameLoginOnTheOther() throws Exception {
    Browser browser = new Browser();
    Browser.Reply login = browser.post(a + "/api/login", "{\"user\":\"alice\"}");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().get("user").asString()).isEqualTo("alice");
    assertThat(login.json().get("instance").asString()).isEqualTo("app-a");
    String fingerprint = login.json().get("session").asString();
    assertThat(fingerprint).matches("[0-9a-f]{8}");
    assertThat(browser.sessionCookie()).isNotNull().doesNotContain(fingerprint);

    Browser.Reply me = browser.get(b + "/api/me");

    assertThat(me.status()).isEqualTo(200);
    assertThat(me.instance()).isEqualTo("app-b");
    assertThat(me.json().get("user").asString()).isEqualTo("alice");
    assertThat(me.json().get("instance").asString()).isEqualTo("app-b");
    assertThat(me.json().get("session").asString()).isEqualTo(fingerprint);
  }

  @Test
  void aCartItemAddedOnOneInstanceIsInTheCartOnTheOther() throws Exception {
    Browser browser = new Browser();
    browser.post(a + "/api/login", "{\"user\":\"bob\"}");

    Browser.Reply added =
        browser.put(a + "/api/cart/items/line-1", "{\"productId\":7,\"quantity\":2}");
    assertThat(added.status()).isEqualTo(200);
    browser.put(b + "/api/cart/items/line-2", "{\"productId\":9,\"quantity\":1}");
    // a retried PUT of the same item id replaces the line
    browser.put(b + "/api/cart/items/line-1", "{\"productId\":7,\"quantity\":2}");

    Browser.Reply cart = browser.get(a + "/api/cart");
    assertThat(cart.status()).isEqualTo(200);
    assertThat(cart.json().get("instance").asString()).isEqualTo("app-a");
    JsonNode items = cart.json().get("items");
    assertThat(items.size()).isEqualTo(2);
    assertThat(items.get(0).get("itemId").asString()).isEqualTo("line-1");
    assertThat(items.get(0).get("productId").asLong()).isEqualTo(7);
    assertThat(items.get(0).get("quantity").asInt()).isEqualTo(2);
    assertThat(items.get(1).get("itemId").asString()).isEqualTo("line-2");
    assertThat(browser.get(b + "/api/cart").json().get("items")).isEqualTo(items);
  }

  @Test
  void aNewLoginGetsANewSessionIdAndKeepsTheSameUsersCart() throws Exception {
    Browser browser = new Browser();
    browser.post(a + "/api/login", "{\"user\":\"carol\"}");
    browser.put(a + "/api/cart/items/x", "{\"productId\":3,\"quantity\":1}");
    String before = browser.sessionCookie();

    Browser.Reply again = browser.post(b + "/api/login", "{\"user\":\"carol\"}");

    assertThat(again.status()).isEqualTo(200);
    assertThat(browser.sessionCookie()).isNotNull().isNotEqualTo(before);
    assertThat(browser.get(a + "/api/cart").json().get("items").size()).isEqualTo(1);
    Browser old = new Browser();
    old.useSessionCookie(before);
    assertThat(old.get(a + "/api/me").status()).isEqualTo(401);

    Browser.Reply other = browser.post(a + "/api/login", "{\"user\":\"dave\"}");
    assertThat(other.json().get("user").asString()).isEqualTo("dave");
    assertThat(browser.get(b + "/api/cart").json().get("items").size()).isZero();
  }

  @Test
  void withoutALoginMeAndTheCartAnswer401AndLogoutEndsTheLoginEverywhere() throws Exception {
    Browser browser = new Browser();
    Browser.Reply me = browser.get(a + "/api/me");
    assertThat(me.status()).isEqualTo(401);
    assertThat(me.json().get("error").asString()).isEqualTo("not logged in");
    assertThat(browser.get(b + "/api/cart").status()).isEqualTo(401);
    assertThat(browser.put(a + "/api/cart/items/i", "{\"productId\":1,\"quantity\":1}").status())
        .isEqualTo(401);

    browser.post(a + "/api/login", "{\"user\":\"erin\"}");
    String session = browser.sessionCookie();
    assertThat(browser.post(b + "/api/logout", null).status()).isEqualTo(204);

    Browser stale = new Browser();
    stale.useSessionCookie(session);
    assertThat(stale.get(a + "/api/me").status()).isEqualTo(401);
  }

  @Test
  void aPriceUpdateOnOneInstanceIsReadOnTheOtherWithinTheInvalidationBound() throws Exception {
    Browser browser = new Browser();
    // B has product 42 in its local level before the update
    assertThat(browser.get(b + "/api/products/42").json().get("priceCents").asLong())
        .isEqualTo(1042);
    long l1Before = stats(browser, b).get("l1Hits").asLong();
    browser.get(b + "/api/products/42");
    assertThat(stats(browser, b).get("l1Hits").asLong()).isEqualTo(l1Before + 1);

    Browser.Reply updated = browser.put(a + "/api/products/42/price", "{\"priceCents\":4242}");

    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().get("priceCents").asLong()).isEqualTo(4242);
    assertThat(updated.json().get("version").asLong()).isEqualTo(2);
    assertThat(backends.queryLong("SELECT price_cents FROM product WHERE id = 42")).isEqualTo(4242);
    // well under the local level's 10 s lifetime: only the invalidation message explains it
    await()
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> browser.get(b + "/api/products/42").json().get("priceCents").asLong() == 4242);
    assertThat(browser.get(b + "/api/products/42").json().get("version").asLong()).isEqualTo(2);
  }

  @Test
  void concurrentPriceUpdatesOnBothInstancesLeaveTheLatestRowInEveryCache() throws Exception {
    Browser browser = new Browser();
    browser.get(a + "/api/products/61");
    browser.get(b + "/api/products/61");
    int perInstance = 15;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (String base : List.of(a, b)) {
      Thread writer =
          new Thread(
              () -> {
                try {
                  Browser own = new Browser();
                  go.await();
                  for (int i = 0; i < perInstance; i++) {
                    int status =
                        own.put(base + "/api/products/61/price", "{\"priceCents\":" + i + "}")
                            .status();
                    assertThat(status).isEqualTo(200);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      writer.start();
      writers.add(writer);
    }
    go.countDown();
    for (Thread writer : writers) {
      writer.join(Duration.ofSeconds(60).toMillis());
    }
    assertThat(failures).isEmpty();

    long version = backends.queryLong("SELECT version FROM product WHERE id = 61");
    long price = backends.queryLong("SELECT price_cents FROM product WHERE id = 61");
    assertThat(version).isEqualTo(1 + 2 * perInstance);
    for (String base : List.of(a, b)) {
      await()
          .atMost(Duration.ofSeconds(3))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  browser.get(base + "/api/products/61").json().get("version").asLong() == version);
      assertThat(browser.get(base + "/api/products/61").json().get("priceCents").asLong())
          .isEqualTo(price);
    }
  }

  @Test
  void statsCountDatabaseQueriesAndASecondReadIsACacheHit() throws Exception {
    Browser browser = new Browser();
    JsonNode before = stats(browser, a);
    JsonNode beforeB = stats(browser, b);

    assertThat(browser.get(a + "/api/products/77").status()).isEqualTo(200);
    JsonNode first = stats(browser, a);
    assertThat(first.get("dbQueries").asLong()).isEqualTo(before.get("dbQueries").asLong() + 1);
    assertThat(first.get("cacheMisses").asLong()).isEqualTo(before.get("cacheMisses").asLong() + 1);

    browser.get(a + "/api/products/77");
    JsonNode second = stats(browser, a);
    assertThat(second.get("dbQueries").asLong()).isEqualTo(first.get("dbQueries").asLong());
    assertThat(second.get("cacheHits").asLong()).isEqualTo(first.get("cacheHits").asLong() + 1);
    assertThat(second.get("l1Hits").asLong()).isEqualTo(first.get("l1Hits").asLong() + 1);

    // the other instance finds it in Redis: no query there either
    browser.get(b + "/api/products/77");
    JsonNode onB = stats(browser, b);
    assertThat(onB.get("instance").asString()).isEqualTo("app-b");
    assertThat(onB.get("dbQueries").asLong()).isEqualTo(beforeB.get("dbQueries").asLong());
    assertThat(onB.get("cacheHits").asLong()).isEqualTo(beforeB.get("cacheHits").asLong() + 1);
  }

  @Test
  void unknownProductsAnswer404AndBadInputAnswer400NamingTheField() throws Exception {
    Browser browser = new Browser();
    assertThat(browser.get(a + "/api/products/100000").status()).isEqualTo(404);
    assertThat(browser.put(a + "/api/products/100000/price", "{\"priceCents\":1}").status())
        .isEqualTo(404);
    Browser.Reply badPrice = browser.put(a + "/api/products/1/price", "{\"priceCents\":-5}");
    assertThat(badPrice.status()).isEqualTo(400);
    assertThat(badPrice.json().get("error").asString()).contains("priceCents");
    Browser.Reply badUser = browser.post(a + "/api/login", "{\"user\":\"<script>\"}");
    assertThat(badUser.status()).isEqualTo(400);
    assertThat(badUser.json().get("error").asString()).contains("user");
    browser.post(a + "/api/login", "{\"user\":\"frank\"}");
    Browser.Reply badQuantity =
        browser.put(a + "/api/cart/items/q", "{\"productId\":1,\"quantity\":0}");
    assertThat(badQuantity.status()).isEqualTo(400);
    assertThat(badQuantity.json().get("error").asString()).contains("quantity");
  }

  @Test
  void everyResponseNamesTheInstanceThatServedIt() throws Exception {
    Browser browser = new Browser();
    for (String path :
        new String[] {
          "/api/me",
          "/api/products/1",
          "/api/products/100000",
          "/api/stats",
          "/",
          "/actuator/health/readiness",
          "/actuator/health/liveness",
          "/no/such/path"
        }) {
      assertThat(browser.get(a + path).instance()).as(path).isEqualTo("app-a");
      assertThat(browser.get(b + path).instance()).as(path).isEqualTo("app-b");
    }
  }

  @Test
  void probesAreUpAndReadinessCoversRedisTheSessionStoreAndTheDatabase() throws Exception {
    Browser browser = new Browser();
    assertThat(browser.get(a + "/actuator/health/liveness").status()).isEqualTo(200);
    Browser.Reply readiness = browser.get(a + "/actuator/health/readiness");
    assertThat(readiness.status()).isEqualTo(200);
    JsonNode components = readiness.json().get("components");
    assertThat(components.get("db").get("status").asString()).isEqualTo("UP");
    assertThat(components.get("readinessState").get("status").asString()).isEqualTo("UP");
    JsonNode strata = components.get("strata").get("components");
    assertThat(strata.get("redis").get("status").asString()).isEqualTo("UP");
    assertThat(strata.get("sessionStore").get("status").asString()).isEqualTo("UP");
  }

  @Test
  void theStatusPageShowsInstanceSessionUserCartAndCacheNumbers() throws Exception {
    Browser browser = new Browser();
    String anonymous = browser.get(b + "/").body();
    assertThat(anonymous).contains("app-b").contains("not logged in").contains("id=\"login\"");

    String fingerprint =
        browser.post(a + "/api/login", "{\"user\":\"grace\"}").json().get("session").asString();
    browser.put(a + "/api/cart/items/page-1", "{\"productId\":12,\"quantity\":3}");
    Browser.Reply page = browser.get(b + "/");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("served by <span id=\"instance\">app-b</span>")
        .contains("<td>" + fingerprint + "</td>")
        .contains("<td>grace</td>")
        .contains("<tr><td>page-1</td><td>12</td><td>3</td></tr>")
        .contains("cache hits")
        .contains("/_front/instances/")
        .doesNotContain(browser.sessionCookie());
  }

  private static JsonNode stats(Browser browser, String base) throws Exception {
    Browser.Reply reply = browser.get(base + "/api/stats");
    assertThat(reply.status()).isEqualTo(200);
    return reply.json();
  }
}
