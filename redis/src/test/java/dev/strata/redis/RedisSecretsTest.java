package dev.strata.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.strata.testsupport.RedisServer;
import io.lettuce.core.codec.StringCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A password-protected Redis: neither a wrong nor the right password ever appears in an exception
 * message or a log line, at any level, of Strata or of Lettuce.
 */
class RedisSecretsTest {

  private static final String RIGHT = "Right-Pw-7f3e9c";
  private static final String WRONG = "Wrong-Pw-2b8d41";

  private static RedisServer redis;

  @BeforeAll
  static void start() {
    redis = RedisServer.builder().setting("requirepass", RIGHT).start();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  private static String uri(String password) {
    return "redis://:" + password + "@" + redis.host() + ":" + redis.port();
  }

  @Test
  void passwordsInUrisNeverReachMessagesOrLogs() {
    List<String> texts = new ArrayList<>();
    try (CapturedLogs logs = new CapturedLogs("dev.strata", "io.lettuce")) {
      // wrong password in the URI
      try (RedisConnector wrong =
          RedisConnector.create(
              RedisSettings.builder(uri(WRONG)).connectTimeout(Duration.ofSeconds(5)).build())) {
        Throwable failure = catchThrowable(() -> wrong.connect(StringCodec.UTF8));
        assertThat(failure).isNotNull();
        texts.add(everything(failure));
        texts.add(RedisUris.describe(failure));
        texts.add(wrong.toString());
      }
      // wrong password from a supplier
      try (RedisConnector supplied =
          RedisConnector.create(
              RedisSettings.builder(redis.uri().replace(RIGHT, "nothing"))
                  .password(WRONG::toCharArray)
                  .build())) {
        Throwable failure = catchThrowable(() -> supplied.connect(StringCodec.UTF8));
        assertThat(failure).isNotNull();
        texts.add(everything(failure));
      }
      // the right password, in the URI and from a supplier
      RedisSettings right = RedisSettings.builder(uri(RIGHT)).build();
      texts.add(right.toString());
      try (RedisConnector ok = RedisConnector.create(right)) {
        assertThat(ok.connect(StringCodec.UTF8).sync().ping()).isEqualTo("PONG");
        texts.add(ok.toString());
      }
      try (RedisConnector ok =
          RedisConnector.create(
              RedisSettings.builder("redis://" + redis.host() + ":" + redis.port())
                  .password(RIGHT::toCharArray)
                  .build())) {
        assertThat(ok.connect(StringCodec.UTF8).sync().ping()).isEqualTo("PONG");
      }
      // a URI that does not parse
      texts.add(everything(catchThrowable(() -> RedisSettings.builder("redis://:" + WRONG + "@"))));
      texts.addAll(logs.lines());
    }
    assertThat(texts).isNotEmpty();
    for (String text : texts) {
      assertThat(text).doesNotContain(WRONG).doesNotContain(RIGHT);
    }
  }

  /** The failure's stack trace text: its type, message and those of every cause. */
  private static String everything(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
