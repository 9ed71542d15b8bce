package dev.strata.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.session.SessionStore;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Proof that the filter makes application servers stateless: two Tomcats share one Redis (or Redis
 * Cluster), and a user moves between them freely. Subclasses supply the Redis deployment.
 */
abstract class AbstractStatelessServersTest {

  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Returns a new store on its own connection, as a separate application instance would have. */
  protected abstract SessionStore newStore();

  /** Returns the name of the Redis key holding the session {@code id}, for raw checks. */
  protected abstract boolean sessionKeyExists(String id);

  @AfterEach
  void closeServers() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private EmbeddedTomcat startInstance() {
    SessionStore store = newStore();
    closeables.add(store);
    EmbeddedTomcat tomcat =
        EmbeddedTomcat.start(SessionFilter.builder(store).build(), new ShopServlet());
    closeables.add(tomcat);
    return tomcat;
  }

  @Test
  void aUserMovesFreelyBetweenTwoServersThroughLoginCartRestartAndLogout() {
    EmbeddedTomcat a = startInstance();
    EmbeddedTomcat b = startInstance();
    HttpSessionClient user = new HttpSessionClient("__Host-SESSION");

    assertThat(user.get(a.baseUri() + "/cart").statusCode()).isEqualTo(401);
    assertThat(user.sessionId()).isNull();

    HttpResponse<String> visit = user.get(a.baseUri() + "/visit");
    assertThat(visit.body()).isEqualTo("new");
    String anonymousId = user.sessionId();
    assertThat(anonymousId).hasSize(43);
    assertThat(HttpSessionClient.setCookies(visit).get(0))
        .isEqualTo("__Host-SESSION=" + anonymousId + "; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(user.get(b.baseUri() + "/visit").body()).isEqualTo("old");

    // Log in on A: the id changes (fixation defence), the old one is dead everywhere.
    assertThat(user.post(a.baseUri() + "/login?user=ann").body()).isEqualTo("changed");
    String loggedInId = user.sessionId();
    assertThat(loggedInId).isNotNull().isNotEqualTo(anonymousId);
    assertThat(sessionKeyExists(anonymousId)).isFalse();
    HttpSessionClient attacker = new HttpSessionClient("__Host-SESSION");
    attacker.setSessionId(anonymousId);
    assertThat(attacker.get(b.baseUri() + "/whoami").statusCode()).isEqualTo(401);

    // Cart on B, read on A.
    assertThat(user.post(b.baseUri() + "/cart/add?item=apple").body()).isEqualTo("1");
    assertThat(user.post(b.baseUri() + "/cart/add?item=pear").body()).isEqualTo("2");
    assertThat(user.get(a.baseUri() + "/cart").body()).isEqualTo("apple,pear");
    assertThat(user.get(a.baseUri() + "/whoami").body()).isEqualTo("ann");
    assertThat(user.get(a.baseUri() + "/get?name=visits").body()).isEqualTo("2");

    // B goes away; A carries on alone.
    b.close();
    closeables.remove(b);
    assertThat(user.post(a.baseUri() + "/cart/add?item=plum").body()).isEqualTo("3");
    assertThat(user.get(a.baseUri() + "/cart").body()).isEqualTo("apple,pear,plum");
    assertThat(user.sessionId()).isEqualTo(loggedInId);

    // Log out on A: the cookie is cleared and the session is gone from Redis.
    String oldCookie = user.sessionId();
    HttpResponse<String> logout = user.post(a.baseUri() + "/logout");
    assertThat(logout.body()).isEqualTo("bye");
    assertThat(HttpSessionClient.setCookies(logout).get(0))
        .startsWith("__Host-SESSION=;")
        .contains("Max-Age=0");
    assertThat(user.sessionId()).isNull();
    assertThat(sessionKeyExists(oldCookie)).isFalse();

    // A restarted B rejects the old cookie and tells the client to drop it.
    EmbeddedTomcat restartedB = startInstance();
    HttpSessionClient replay = new HttpSessionClient("__Host-SESSION");
    replay.setSessionId(oldCookie);
    HttpResponse<String> rejected = replay.get(restartedB.baseUri() + "/cart");
    assertThat(rejected.statusCode()).isEqualTo(401);
    assertThat(HttpSessionClient.setCookies(rejected)).anyMatch(c -> c.contains("Max-Age=0"));
    assertThat(replay.sessionId()).isNull();
  }
}
