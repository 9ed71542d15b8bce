package dev.strata.samples;

import dev.strata.session.JsonAttributeCodec;
import dev.strata.session.RedisSessionStore;
import dev.strata.session.Session;
import dev.strata.session.SessionStore;
import dev.strata.testsupport.RedisServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code strata-session-store}: HTTP sessions in Redis with a {@link RedisSessionStore}, used
 * directly (create, read, update, change id at login, invalidate), with the principal index, as two
 * application instances would share them.
 *
 * <p>Instance A creates a session with a cart, instance B (another store on the same Redis) finds
 * it and adds an item, the user logs in (new id against session fixation, principal set), logs in
 * on two more devices (the cap of two sessions per principal evicts the oldest), logs out on one
 * ({@code invalidate}), and finally every other session of the user is invalidated, as after a
 * password change.
 *
 * <p><b>In a servlet application</b> the {@code SessionFilter} does the create / find / save calls
 * for you, and {@code request.getSession()} works unchanged on any instance:
 *
 * <pre>{@code
 * // in a ServletContainerInitializer or ServletContextListener (jakarta.servlet 6.1)
 * RedisSessionStore store = RedisSessionStore.builder("redis://redis.internal:6379")
 *     .idleTimeout(Duration.ofMinutes(30))
 *     .codec(JsonAttributeCodec.builder().attributeType("cart", Cart.class).build())
 *     .build();                                   // close it when the application stops
 * FilterRegistration.Dynamic filter =
 *     servletContext.addFilter("strataSession", SessionFilter.builder(store).build());
 * filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
 *
 * // at login, in the application's own code
 * request.changeSessionId();
 * request.getSession().setAttribute(SessionFilter.PRINCIPAL_ATTRIBUTE, userName);
 * }</pre>
 *
 * <p><b>Redis.</b> Uses the server named by {@code STRATA_REDIS_URL} when that is set, otherwise
 * starts a private {@code redis-server} with test-support's {@code RedisServer} and stops it at the
 * end.
 *
 * <p>Run it with {@code java -cp samples/target/strata-samples.jar
 * dev.strata.samples.SessionStoreSample}.
 */
public final class SessionStoreSample {

  /**
   * A shopping cart, stored as a session attribute (registered with the codec by name).
   *
   * @param items the product names in the cart
   */
  public record Cart(List<String> items) {}

  /**
   * What the sample observed.
   *
   * @param cartSeenByB the cart instance B read from the session instance A created
   * @param cartAfterUpdate the cart instance A read after B's update
   * @param oldIdFoundAfterLogin whether the id from before the login still finds a session
   * @param sessionsOfAlice the sessions the principal index lists after three logins (cap 2)
   * @param firstLoginStillLive whether the first login's session survived the cap
   * @param loggedOutFound whether the session invalidated at logout is still found
   * @param invalidatedByPrincipal sessions deleted by {@code invalidateByPrincipal}
   * @param liveAfterLogout sessions of the user still found after that
   * @param idLength the length of a session id
   */
  record Report(
      List<String> cartSeenByB,
      List<String> cartAfterUpdate,
      boolean oldIdFoundAfterLogin,
      int sessionsOfAlice,
      boolean firstLoginStillLive,
      boolean loggedOutFound,
      int invalidatedByPrincipal,
      int liveAfterLogout,
      int idLength) {}

  private SessionStoreSample() {}

  /**
   * Runs the sample and prints its report.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (RedisServer redis = RedisServer.start()) {
      print(run(redis.uri()), System.out);
    }
  }

  static Report run(String redisUrl) {
    try (SessionStore instanceA = newStore(redisUrl);
        SessionStore instanceB = newStore(redisUrl)) {
      // Instance A: a new visitor puts a book in the cart.
      Session session = instanceA.create();
      session.setAttribute("cart", new Cart(List.of("book")));
      instanceA.save(session); // the response would carry session.getId() in a cookie
      String id = session.getId();

      // Instance B: the next request of the visitor lands here and adds a lamp.
      Session onB = instanceB.find(id).orElseThrow();
      Cart seenByB =
          (Cart) Objects.requireNonNull(onB.getAttribute("cart"), "cart must not be null");
      List<String> more = new ArrayList<>(seenByB.items());
      more.add("lamp");
      onB.setAttribute("cart", new Cart(more)); // set again after a change: values are encoded
      instanceB.save(onB); // only the changed attribute is written

      // Login on instance A: a new id (against session fixation), and the principal.
      Session loggedIn = instanceA.find(id).orElseThrow();
      Cart afterUpdate =
          (Cart) Objects.requireNonNull(loggedIn.getAttribute("cart"), "cart must not be null");
      instanceA.changeSessionId(loggedIn);
      loggedIn.setPrincipal("alice");
      instanceA.save(loggedIn);
      boolean oldIdFound = instanceA.find(id).isPresent();

      // Two more logins of alice (other devices): the cap of two evicts the oldest session.
      for (int device = 0; device < 2; device++) {
        Session other = instanceB.create();
        other.setPrincipal("alice");
        instanceB.save(other);
      }
      List<String> aliceSessions = instanceA.findByPrincipal("alice");
      boolean firstStillLive = instanceA.find(loggedIn.getId()).isPresent();

      // Alice logs out on one device: that session is invalidated.
      String loggedOut = aliceSessions.get(aliceSessions.size() - 1);
      instanceB.invalidate(loggedOut);
      boolean loggedOutFound = instanceA.find(loggedOut).isPresent();

      // A password change: log alice out everywhere else.
      int invalidated = instanceA.invalidateByPrincipal("alice");
      int live = 0;
      for (String sessionId : aliceSessions) {
        Optional<Session> found = instanceB.find(sessionId);
        live += found.isPresent() ? 1 : 0;
      }

      return new Report(
          seenByB.items(),
          afterUpdate.items(),
          oldIdFound,
          aliceSessions.size(),
          firstStillLive,
          loggedOutFound,
          invalidated,
          live,
          id.length());
    }
  }

  /** One application instance's store; each instance builds its own on the same Redis. */
  private static SessionStore newStore(String redisUrl) {
    return RedisSessionStore.builder(redisUrl)
        .idleTimeout(Duration.ofMinutes(30)) // slides on every access
        .maxLifetime(Duration.ofHours(12)) // absolute, never slides
        .maxSessionsPerPrincipal(2)
        .codec(JsonAttributeCodec.builder().attributeType("cart", Cart.class).build())
        .build();
  }

  static void print(Report report, PrintStream out) {
    out.println("Strata sessions in Redis (session-store)");
    out.printf(
        "  create on A     cart %s, id of %d characters%n", List.of("book"), report.idLength());
    out.printf("  read on B       cart %s; B adds a lamp%n", report.cartSeenByB());
    out.printf("  read on A       cart %s%n", report.cartAfterUpdate());
    out.printf(
        "  login           new id; the old id %s%n",
        report.oldIdFoundAfterLogin() ? "STILL WORKS" : "finds nothing");
    out.printf(
        "  principal index 3 logins of alice, cap 2: %d sessions listed, first login %s%n",
        report.sessionsOfAlice(), report.firstLoginStillLive() ? "still live" : "evicted");
    out.printf(
        "  logout          invalidate(id): that session %s%n",
        report.loggedOutFound() ? "IS STILL FOUND" : "is gone");
    out.printf(
        "  password change invalidateByPrincipal deleted %d, %d still live%n",
        report.invalidatedByPrincipal(), report.liveAfterLogout());
  }
}
