package dev.strata.jmh.peer;

import dev.strata.jmh.BenchmarkRedis;
import dev.strata.jmh.BenchmarkSessions;
import dev.strata.session.RedisSessionStore;
import dev.strata.session.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * Sessions in Redis: Strata's {@link RedisSessionStore} beside Spring Session 4.0.4's {@link
 * RedisSessionRepository} and {@link RedisIndexedSessionRepository}, each holding a session of
 * {@value #ATTRIBUTES} string attributes of about 48 bytes on one private redis-server.
 *
 * <ul>
 *   <li>find: {@code strataFind} ({@code find}: HGETALL, timestamp checks, parse, an unawaited
 *       touch) beside {@code springFind} / {@code springIndexedFind} ({@code findById}).
 *   <li>save of one changed attribute: {@code strataSaveOneAttribute}, {@code
 *       springSaveOneAttribute}, {@code springIndexedSaveOneAttribute} ({@code setAttribute} then
 *       {@code save} on a session found once and kept).
 *   <li>a request through the servlet filter that reads the session: {@code strataFilterRequest}
 *       ({@code find}, then {@code save}, which writes nothing for an unchanged session: the touch
 *       is part of {@code find}) beside {@code springFilterRequest} / {@code
 *       springIndexedFilterRequest} (what {@code SessionRepositoryFilter} does: {@code findById},
 *       {@code setLastAccessedTime(now)}, {@code save}).
 * </ul>
 *
 * <p>Spring configuration: a {@code RedisTemplate} over a {@code LettuceConnectionFactory} (its
 * default shared connection, Lettuce 7.7.0 as Strata uses), string key and hash-key serializers,
 * and for hash values (the session fields) a compact serializer written here (strings as UTF-8,
 * numbers as 4 or 8 bytes) instead of Spring Session's JDK-serialization default, which would cost
 * Spring more; default flush mode (on save) and save mode (on set attribute); one-hour idle
 * timeout. The indexed repository is initialised as its configuration does ({@code
 * afterPropertiesSet}), without a message listener container (expiry events play no part here).
 * Strata: {@code RedisSessionStore} with a one-hour idle timeout, two-hour lifetime and its JSON
 * attribute codec.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionPeerBenchmark {

  static final int ATTRIBUTES = 10;

  private BenchmarkRedis redis;
  private RedisSessionStore store;
  private String strataId;
  private Session strataWritable;

  private LettuceConnectionFactory springFactory;
  private SessionRepository<org.springframework.session.Session> spring;
  private String springId;
  private org.springframework.session.Session springWritable;
  private RedisIndexedSessionRepository springIndexedRepository;
  private SessionRepository<org.springframework.session.Session> springIndexed;
  private String springIndexedId;
  private org.springframework.session.Session springIndexedWritable;
  private long counter;

  @Setup(Level.Trial)
  public void start() {
    redis = BenchmarkRedis.start();
    store = BenchmarkSessions.store(redis.client());
    strataId = BenchmarkSessions.saveSession(store, ATTRIBUTES);
    strataWritable = store.find(strataId).orElseThrow();

    springFactory = PeerClients.springConnectionFactory(redis);
    RedisTemplate<String, Object> template = new RedisTemplate<>();
    template.setConnectionFactory(springFactory);
    template.setKeySerializer(RedisSerializer.string());
    template.setHashKeySerializer(RedisSerializer.string());
    // plain values: only the indexed repository's "session created" message (a map), at setup
    template.setValueSerializer(RedisSerializer.java());
    template.setHashValueSerializer(new CompactSerializer());
    template.afterPropertiesSet();

    RedisSessionRepository plain = new RedisSessionRepository(template);
    plain.setDefaultMaxInactiveInterval(Duration.ofHours(1));
    spring = generic(plain);
    springId = createSpringSession(spring);
    springWritable = spring.findById(springId);

    springIndexedRepository = new RedisIndexedSessionRepository(template);
    springIndexedRepository.setDefaultMaxInactiveInterval(Duration.ofHours(1));
    springIndexedRepository.afterPropertiesSet();
    springIndexed = generic(springIndexedRepository);
    springIndexedId = createSpringSession(springIndexed);
    springIndexedWritable = springIndexed.findById(springIndexedId);

    if (strataWritable.getAttributeNames().size() != ATTRIBUTES
        || springWritable.getAttributeNames().size() != ATTRIBUTES
        || springIndexedWritable.getAttributeNames().size() != ATTRIBUTES) {
      throw new IllegalStateException("a store lost the session's attributes");
    }
  }

  @SuppressWarnings("unchecked")
  private static SessionRepository<org.springframework.session.Session> generic(
      SessionRepository<?> repository) {
    return (SessionRepository<org.springframework.session.Session>) repository;
  }

  private static String createSpringSession(
      SessionRepository<org.springframework.session.Session> repository) {
    org.springframework.session.Session session = repository.createSession();
    for (int i = 0; i < ATTRIBUTES; i++) {
      session.setAttribute("attribute" + i, BenchmarkSessions.attributeValue(i));
    }
    repository.save(session);
    return session.getId();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    springIndexedRepository.destroy();
    springFactory.destroy();
    store.close();
    redis.closeWithoutQuietPeriod();
  }

  private String nextValue() {
    return (counter++ & 1) == 0 ? "value-a" : "value-b";
  }

  @Benchmark
  public Optional<Session> strataFind() {
    return store.find(strataId);
  }

  @Benchmark
  public Object springFind() {
    return spring.findById(springId);
  }

  @Benchmark
  public Object springIndexedFind() {
    return springIndexed.findById(springIndexedId);
  }

  @Benchmark
  public boolean strataSaveOneAttribute() {
    strataWritable.setAttribute("attribute0", nextValue());
    return store.save(strataWritable);
  }

  @Benchmark
  public Object springSaveOneAttribute() {
    springWritable.setAttribute("attribute0", nextValue());
    spring.save(springWritable);
    return springWritable;
  }

  @Benchmark
  public Object springIndexedSaveOneAttribute() {
    springIndexedWritable.setAttribute("attribute0", nextValue());
    springIndexed.save(springIndexedWritable);
    return springIndexedWritable;
  }

  @Benchmark
  public boolean strataFilterRequest() {
    Session session = store.find(strataId).orElseThrow();
    return store.save(session);
  }

  @Benchmark
  public Object springFilterRequest() {
    org.springframework.session.Session session = spring.findById(springId);
    session.setLastAccessedTime(Instant.now());
    spring.save(session);
    return session;
  }

  @Benchmark
  public Object springIndexedFilterRequest() {
    org.springframework.session.Session session = springIndexed.findById(springIndexedId);
    session.setLastAccessedTime(Instant.now());
    springIndexed.save(session);
    return session;
  }

  /**
   * Hash values of Spring's sessions: a type byte, then a string as UTF-8 or a number in 4 or 8
   * bytes. Spring Session stores its timestamps as {@code Long} and the idle timeout as {@code
   * Integer}; the attributes here are strings.
   */
  static final class CompactSerializer implements RedisSerializer<Object> {
    @Override
    public byte[] serialize(Object value) {
      if (value instanceof String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + text.length).put((byte) 's').put(text).array();
      }
      if (value instanceof Long l) {
        return ByteBuffer.allocate(9).put((byte) 'l').putLong(l).array();
      }
      if (value instanceof Integer i) {
        return ByteBuffer.allocate(5).put((byte) 'i').putInt(i).array();
      }
      throw new IllegalArgumentException("cannot serialize a " + value.getClass().getName());
    }

    @Override
    public Object deserialize(byte[] bytes) {
      if (bytes == null || bytes.length == 0) {
        return null;
      }
      return switch (bytes[0]) {
        case 's' -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
        case 'l' -> ByteBuffer.wrap(bytes, 1, 8).getLong();
        case 'i' -> ByteBuffer.wrap(bytes, 1, 4).getInt();
        default -> throw new IllegalArgumentException("unknown type byte " + bytes[0]);
      };
    }
  }
}
