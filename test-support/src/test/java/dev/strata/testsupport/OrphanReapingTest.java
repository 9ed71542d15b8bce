package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.testsupport.internal.RespClient;
import dev.strata.testsupport.internal.TempDirectories;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OrphanReapingTest {

  @Test
  void aServerLeftBehindByADeadJvmIsKilled() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                OrphanedServerMain.class.getName())
            .redirectErrorStream(true)
            .start();
    int port = -1;
    try (BufferedReader output =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = output.readLine()) != null) {
        if (line.startsWith("PORT ")) {
          port = Integer.parseInt(line.substring(5).trim());
        }
      }
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(port).as("port printed by the child JVM").isPositive();
    RespClient orphan = new RespClient("127.0.0.1", port, null, null);
    assertThat(orphan.call(Duration.ofSeconds(5), "PING")).isEqualTo("PONG");

    TempDirectories.reapStaleProcesses(TempDirectories.root());

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> orphan.call(Duration.ofSeconds(1), "PING"))
                    .isInstanceOf(UncheckedIOException.class));
  }
}
