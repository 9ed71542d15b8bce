package dev.strata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.samples.SessionStoreSample.Report;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

@WithRedis
class SessionStoreSampleTest {

  @Test
  void aSessionMovesBetweenInstancesAndThePrincipalIndexLogsTheUserOut(RedisServer redis) {
    Report report = SessionStoreSample.run(redis.uri());

    assertThat(report.idLength()).isEqualTo(43);
    assertThat(report.cartSeenByB()).containsExactly("book");
    assertThat(report.cartAfterUpdate()).containsExactly("book", "lamp");
    assertThat(report.oldIdFoundAfterLogin()).isFalse();
    assertThat(report.sessionsOfAlice()).isEqualTo(2);
    assertThat(report.firstLoginStillLive()).isFalse();
    assertThat(report.loggedOutFound()).isFalse();
    assertThat(report.invalidatedByPrincipal()).isEqualTo(1);
    assertThat(report.liveAfterLogout()).isZero();

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    SessionStoreSample.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("[book, lamp]", "first login evicted")
        .doesNotContain("STILL");
  }
}
