package dev.strata.jmh;

import dev.strata.session.RedisSessionStore;
import dev.strata.session.Session;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/**
 * The session the session benchmarks read and write: a {@link RedisSessionStore} with a one-hour
 * idle timeout and a two-hour lifetime, holding a session of string attributes of about 48 bytes.
 */
public final class BenchmarkSessions {

  private BenchmarkSessions() {}

  /** A store on {@code client}: one-hour idle timeout, two-hour lifetime, JSON attribute codec. */
  public static RedisSessionStore store(RedisClient client) {
    return RedisSessionStore.builder(client)
        .idleTimeout(Duration.ofHours(1))
        .maxLifetime(Duration.ofHours(2))
        .build();
  }

  /** The value of attribute {@code i}: {@code "attribute" + i} holds it. */
  public static String attributeValue(int i) {
    return "value-of-attribute-" + i + "-padded-to-about-48-bytes";
  }

  /** Creates and saves a session of {@code attributes} attributes, and returns its id. */
  public static String saveSession(RedisSessionStore store, int attributes) {
    Session session = store.create();
    for (int i = 0; i < attributes; i++) {
      session.setAttribute("attribute" + i, attributeValue(i));
    }
    store.save(session);
    return session.getId();
  }
}
