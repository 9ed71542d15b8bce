package dev.strata.demo;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One simulated user talking to the front: logs in, then browses products, checks who it is, adds
 * cart items with ids it chooses (so a retried PUT is harmless) and, for some users, updates
 * prices. Keeps the items the service acknowledged. Not thread-safe: one step at a time.
 */
final class SimulatedUser {
  private final String name;
  private final String front;
  private final DemoHttp http;
  private final LoadStats stats;
  private final int products;
  private final boolean updatesPrices;
  private final Random random;
  private final Map<String, Long> acknowledgedItems = new LinkedHashMap<>();
  private @Nullable String session;
  private int nextItem = 1;
  private boolean loggedOut;

  SimulatedUser(
      String name,
      String front,
      DemoHttp http,
      LoadStats stats,
      int products,
      boolean updatesPrices,
      long seed) {
    this.name = name;
    this.front = front;
    this.http = http;
    this.stats = stats;
    this.products = products;
    this.updatesPrices = updatesPrices;
    this.random = new Random(seed);
  }

  String name() {
    return name;
  }

  boolean loggedOut() {
    return loggedOut;
  }

  int acknowledgedItems() {
    return acknowledgedItems.size();
  }

  /**
   * Logs in through the front.
   *
   * @throws IllegalStateException when the login does not succeed
   */
  void login() {
    DemoHttp.Reply reply = call("POST", "/api/login", Map.of("user", name), false);
    if (reply == null || reply.status() != 200 || session == null) {
      throw new IllegalStateException(
          name
              + " could not log in: "
              + (reply == null ? "no answer" : "status " + reply.status()));
    }
  }

  /** Performs one random action. */
  void step() {
    int roll = random.nextInt(100);
    if (roll < 62) {
      readProduct();
    } else if (roll < 74) {
      checkMe();
    } else if (roll < 90) {
      addCartItem();
    } else if (roll < 95 || !updatesPrices) {
      DemoHttp.Reply reply = call("GET", "/api/cart", null, true);
      expect(reply, 200, "GET /api/cart");
    } else {
      long id = 1 + random.nextInt(products);
      DemoHttp.Reply reply =
          call(
              "PUT",
              "/api/products/" + id + "/price",
              Map.of("priceCents", 500 + random.nextInt(5000)),
              true);
      expect(reply, 200, "PUT /api/products/" + id + "/price");
    }
  }

  private void readProduct() {
    // skewed towards low ids, like real catalogues: a few hot products, a long tail
    double u = random.nextDouble();
    long id = 1 + (long) Math.floor(products * u * u * u);
    DemoHttp.Reply reply = call("GET", "/api/products/" + id, null, false);
    if (reply != null && reply.status() == 200) {
      stats.productRead();
    }
    expect(reply, 200, "GET /api/products/" + id);
  }

  /** Asks {@code /api/me}; a 401 or another user's name means this user was logged out. */
  void checkMe() {
    DemoHttp.Reply reply = call("GET", "/api/me", null, true);
    if (reply != null && reply.status() == 200) {
      JsonNode json = reply.json();
      String user = json == null ? null : json.path("user").asString(null);
      if (!name.equals(user)) {
        loggedOut(reply, "GET /api/me answered user " + user);
      }
    } else {
      expect(reply, 200, "GET /api/me");
    }
  }

  private void addCartItem() {
    String itemId = name + "-item-" + nextItem++;
    long productId = 1 + random.nextInt(products);
    DemoHttp.Reply reply =
        call(
            "PUT",
            "/api/cart/items/" + itemId,
            Map.of("productId", productId, "quantity", 1 + random.nextInt(3)),
            true);
    if (reply != null && reply.status() == 200) {
      acknowledgedItems.put(itemId, productId);
      stats.cartItemAcknowledged();
    }
    expect(reply, 200, "PUT /api/cart/items/" + itemId);
  }

  /**
   * Reads the cart and returns how many acknowledged items are missing from it.
   *
   * @return the missing items' count; every acknowledged item when the cart cannot be read
   */
  int lostCartItems() {
    DemoHttp.Reply reply = call("GET", "/api/cart", null, true);
    expect(reply, 200, "GET /api/cart (final check)");
    if (reply == null || reply.status() != 200 || reply.json() == null) {
      return acknowledgedItems.size();
    }
    Set<String> present = new TreeSet<>();
    for (JsonNode item : reply.json().path("items")) {
      present.add(item.path("itemId").asString(""));
    }
    int lost = 0;
    for (String itemId : acknowledgedItems.keySet()) {
      if (!present.contains(itemId)) {
        lost++;
      }
    }
    return lost;
  }

  private DemoHttp.@Nullable Reply call(
      String method, String path, @Nullable Object body, boolean withSession) {
    try {
      DemoHttp.Reply reply =
          http.send(
              method, front + path, body, withSession || method.equals("POST") ? session : null);
      if (reply.setSession() != null) {
        session = reply.setSession();
      }
      stats.request();
      return reply;
    } catch (IOException e) {
      stats.request();
      stats.failure(
          method + " " + path + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
      return null;
    }
  }

  private void expect(DemoHttp.@Nullable Reply reply, int status, String what) {
    if (reply == null || reply.status() == status) {
      return;
    }
    if (reply.status() == 401) {
      loggedOut(reply, what + " answered 401");
    } else {
      stats.failure(what + " answered " + reply.status() + " by " + reply.instance());
    }
  }

  private void loggedOut(DemoHttp.Reply reply, String what) {
    stats.failure(name + ": " + what + " by " + reply.instance());
    if (!loggedOut) {
      loggedOut = true;
      stats.userLoggedOut(name);
    }
  }
}
