package dev.strata.samples;

import dev.strata.redis.KeyNamespace;
import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import dev.strata.redis.RedisUris;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.codec.StringCodec;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code strata-redis}: connection settings with the password read from a supplier, a {@link
 * RedisConnector}, and the {@link KeyNamespace} every Strata component keys its data by.
 *
 * <p>It connects to a URL that holds no secret, with the password supplied by a {@code
 * Supplier<char[]>} (in an application: a vault or a mounted secret file, read again at every
 * reconnect, so a rotated password is picked up), opens two connections, sends {@code PING} and
 * {@code CLIENT GETNAME}, shows that the settings print without the secret, and prints the key
 * layout of the prefix {@code shop:prod}.
 *
 * <p><b>Redis.</b> Like every sample that needs Redis, it uses the server named by {@code
 * STRATA_REDIS_URL} when that is set (as is: the URL carries its own credentials), and otherwise
 * starts a private {@code redis-server} (from the {@code PATH}, else the binary shipped with
 * embedded-redis) with test-support's {@code RedisServer}, here protected by a random password, and
 * stops it at the end.
 *
 * <p>Run it with {@code java -cp samples/target/strata-samples.jar
 * dev.strata.samples.RedisConnectionSample}.
 */
public final class RedisConnectionSample {

  /**
   * What the sample observed.
   *
   * @param ping the answer to {@code PING}
   * @param clientName the connection's name as Redis reports it
   * @param passwordReads how often the password supplier was read (at every connect)
   * @param settings the settings as printed (no secret in them)
   * @param redactedExample a URL with a password, as Strata prints it
   * @param keyLayout component to key or channel, for the prefix {@code shop:prod}
   */
  record Report(
      String ping,
      @Nullable String clientName,
      int passwordReads,
      String settings,
      String redactedExample,
      Map<String, String> keyLayout) {}

  private RedisConnectionSample() {}

  /**
   * Runs the sample and prints its report.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    String secret = randomPassword();
    try (RedisServer redis = RedisServer.builder().setting("requirepass", secret).start()) {
      Report report =
          redis.isExternal()
              ? run(redis.uri(), null)
              : run("redis://" + redis.host() + ":" + redis.port(), secret::toCharArray);
      print(report, System.out);
    }
  }

  /**
   * Connects to {@code url} and reports what it saw.
   *
   * @param url a Redis URL; with a supplier it should hold no password
   * @param password supplies the password at every connect, or null to use the URL's credentials
   */
  static Report run(String url, @Nullable Supplier<char[]> password) {
    AtomicInteger reads = new AtomicInteger();
    RedisSettings.Builder builder =
        RedisSettings.builder(url)
            .clientName("samples")
            .connectTimeout(Duration.ofSeconds(5))
            .commandTimeout(Duration.ofSeconds(2));
    if (password != null) {
      builder.password(
          () -> {
            reads.incrementAndGet(); // an application would read its vault here
            return password.get();
          });
    }
    RedisSettings settings = builder.build();

    String ping;
    String clientName;
    // The connector owns the Lettuce client it makes; close it when the application stops.
    try (RedisConnector connector = RedisConnector.create(settings);
        RedisConnection<String, String> first = connector.connect(StringCodec.UTF8);
        RedisConnection<String, String> second = connector.connect(StringCodec.UTF8)) {
      ping = first.sync().ping();
      clientName = second.sync().clientGetname();
    }

    KeyNamespace keys = KeyNamespace.of("shop:prod");
    Map<String, String> layout = new LinkedHashMap<>();
    layout.put("cache entry (users, key 42)", keys.cacheKeyPrefix("users") + "42");
    layout.put("cache scan pattern (users)", keys.cacheScanPattern("users"));
    layout.put("session", keys.sessionKey("<session id>"));
    layout.put("sessions of a principal", keys.principalIndexKey("alice"));
    layout.put("version counter", keys.versionKey("users"));
    layout.put("durable write-behind queue", keys.writeBehindKeyPrefix("prices") + "...");
    layout.put("invalidation channel (users)", keys.invalidationChannel("users"));

    return new Report(
        ping,
        clientName,
        reads.get(),
        settings.toString(),
        RedisUris.redact("redis://orders-app:s3cret@cache.internal:6379/0"),
        layout);
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static void print(Report report, PrintStream out) {
    out.println("Strata Redis connection and key layout (strata-redis)");
    out.printf("  settings        %s%n", report.settings());
    out.printf(
        "  connected       PING -> %s, CLIENT GETNAME -> %s%n", report.ping(), report.clientName());
    out.printf(
        "  password reads  %d (the supplier is asked at every connect; nothing keeps it)%n",
        report.passwordReads());
    out.printf("  redacted URL    %s%n", report.redactedExample());
    out.println("  key layout of the prefix shop:prod:");
    report.keyLayout().forEach((what, key) -> out.printf("    %-30s %s%n", what, key));
  }
}
