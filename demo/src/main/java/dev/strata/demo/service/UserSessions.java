package dev.strata.demo.service;

import dev.strata.session.servlet.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The login and the cart as they live in the (Redis-backed) HTTP session: the user name under
 * {@link SessionFilter#PRINCIPAL_ATTRIBUTE} (so the store indexes the session by user) and each
 * cart line under its own attribute {@code cart.<itemId>}. Stateless and thread-safe.
 */
final class UserSessions {

  private static final String CART_PREFIX = "cart.";
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Pattern ITEM_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private UserSessions() {}

  /**
   * Logs {@code user} in: a session of the same user gets a new id (its cart stays), any other
   * session is invalidated and a fresh one made.
   *
   * @return the logged-in session
   */
  static HttpSession login(HttpServletRequest request, String user) {
    HttpSession existing = request.getSession(false);
    if (existing != null && user.equals(existing.getAttribute(SessionFilter.PRINCIPAL_ATTRIBUTE))) {
      request.changeSessionId();
      return existing;
    }
    if (existing != null) {
      existing.invalidate();
    }
    HttpSession session = request.getSession(true);
    session.setAttribute(SessionFilter.PRINCIPAL_ATTRIBUTE, user);
    return session;
  }

  /**
   * Returns a user name fit for logging in.
   *
   * @throws BadInputException if the name is missing or unusable
   */
  static String requireUserName(@Nullable String user) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new BadInputException("user must be 1 to 64 letters, digits, '.', '_', '@' or '-'");
    }
    return user;
  }

  /** Returns the logged-in user, or null when the request has no logged-in session. */
  static @Nullable String user(@Nullable HttpSession session) {
    return session != null
            && session.getAttribute(SessionFilter.PRINCIPAL_ATTRIBUTE) instanceof String user
        ? user
        : null;
  }

  /** Returns the cart's lines ordered by item id. */
  static List<CartItem> cart(HttpSession session) {
    List<CartItem> items = new ArrayList<>();
    for (String name : Collections.list(session.getAttributeNames())) {
      if (name.startsWith(CART_PREFIX) && session.getAttribute(name) instanceof CartItem item) {
        items.add(item);
      }
    }
    items.sort(Comparator.comparing(CartItem::itemId));
    return items;
  }

  /**
   * Puts a line into the cart, replacing the line of the same item id.
   *
   * @throws BadInputException if the item id, product id or quantity is unusable
   */
  static void putItem(
      HttpSession session, String itemId, @Nullable Long productId, @Nullable Integer quantity) {
    if (!ITEM_ID.matcher(itemId).matches()) {
      throw new BadInputException("itemId must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    if (productId == null || productId <= 0) {
      throw new BadInputException("productId must be a positive number");
    }
    if (quantity == null || quantity < 1 || quantity > 1000) {
      throw new BadInputException("quantity must be between 1 and 1000");
    }
    session.setAttribute(CART_PREFIX + itemId, new CartItem(itemId, productId, quantity));
  }

  /**
   * Returns the session fingerprint shown to people: the first 8 hex characters of the SHA-256 of
   * the session id (never the id itself).
   */
  static String fingerprint(HttpSession session) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(session.getId().getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
