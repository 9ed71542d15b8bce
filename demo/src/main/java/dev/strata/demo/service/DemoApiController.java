package dev.strata.demo.service;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.CacheManager;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The JSON API: login, products, cart and this instance's numbers. */
@RestController
@RequestMapping("/api")
class DemoApiController {

  /** Body of {@code POST /api/login}. */
  record Login(@Nullable String user) {}

  /** Body of {@code PUT /api/products/{id}/price}. */
  record PriceChange(@Nullable Long priceCents) {}

  /** Body of {@code PUT /api/cart/items/{itemId}}. */
  record CartLine(@Nullable Long productId, @Nullable Integer quantity) {}

  /** Answer of login and {@code /api/me}. */
  record Me(String user, String instance, String session) {}

  /** Answer of the cart endpoints. */
  record Cart(String instance, List<CartItem> items) {}

  private static final Map<String, String> NOT_LOGGED_IN = Map.of("error", "not logged in");

  private final ProductCatalog catalog;
  private final CacheManager caches;
  private final String instance;

  DemoApiController(ProductCatalog catalog, CacheManager caches, DemoSettings settings) {
    this.catalog = catalog;
    this.caches = caches;
    this.instance = settings.instance();
  }

  @PostMapping("/login")
  Me login(HttpServletRequest request, @RequestBody Login login) {
    String user = UserSessions.requireUserName(login.user());
    HttpSession session = UserSessions.login(request, user);
    return new Me(user, instance, UserSessions.fingerprint(session));
  }

  @GetMapping("/me")
  ResponseEntity<?> me(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    String user = UserSessions.user(session);
    if (session == null || user == null) {
      return notLoggedIn();
    }
    return ResponseEntity.ok(new Me(user, instance, UserSessions.fingerprint(session)));
  }

  @PostMapping("/logout")
  ResponseEntity<Void> logout(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/products/{id}")
  ResponseEntity<Product> product(@PathVariable long id) {
    Product product = catalog.find(id);
    return product == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(product);
  }

  @PutMapping("/products/{id}/price")
  ResponseEntity<Product> price(@PathVariable long id, @RequestBody PriceChange change) {
    Long price = change.priceCents();
    if (price == null || price < 0) {
      throw new BadInputException("priceCents must be a number of at least 0");
    }
    Product product = catalog.updatePrice(id, price);
    return product == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(product);
  }

  @PutMapping("/cart/items/{itemId}")
  ResponseEntity<?> putItem(
      HttpServletRequest request, @PathVariable String itemId, @RequestBody CartLine line) {
    HttpSession session = request.getSession(false);
    if (UserSessions.user(session) == null) {
      return notLoggedIn();
    }
    UserSessions.putItem(session, itemId, line.productId(), line.quantity());
    return ResponseEntity.ok(new Cart(instance, UserSessions.cart(session)));
  }

  @GetMapping("/cart")
  ResponseEntity<?> cart(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (UserSessions.user(session) == null) {
      return notLoggedIn();
    }
    return ResponseEntity.ok(new Cart(instance, UserSessions.cart(session)));
  }

  @GetMapping("/stats")
  Map<String, Object> stats() {
    CacheNumbers numbers = CacheNumbers.of(caches);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("instance", instance);
    stats.put("dbQueries", catalog.selectCount());
    stats.put("cacheHits", numbers.hits());
    stats.put("cacheMisses", numbers.misses());
    if (numbers.l1Hits() != null) {
      stats.put("l1Hits", numbers.l1Hits());
    }
    return stats;
  }

  @ExceptionHandler(BadInputException.class)
  ResponseEntity<Map<String, String>> badRequest(BadInputException e) {
    return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
  }

  private static ResponseEntity<Map<String, String>> notLoggedIn() {
    return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(NOT_LOGGED_IN);
  }
}
