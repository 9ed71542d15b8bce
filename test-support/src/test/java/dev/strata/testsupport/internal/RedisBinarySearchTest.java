package dev.strata.testsupport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} on the search path that cannot serve is skipped in favour of the embedded
 * binary. Each test puts a fake {@code redis-server} script in a directory of its own and passes
 * that directory as the search path, so the real {@code PATH} plays no part.
 */
@DisabledOnOs(OS.WINDOWS) // the fakes are shell scripts
class RedisBinarySearchTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(RedisBinary.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @TempDir Path dir;

  @BeforeEach
  void captureLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
  }

  @Test
  void aWorkingBinaryOnTheSearchPathIsUsed() throws IOException {
    // Guards the other tests: the search really looks in the directory they pass.
    Path fake = fakeRedisServer("echo 'Redis server v=7.9.1 sha=00000000:0 malloc=libc bits=64'");

    RedisBinary binary = RedisBinary.search("auto", null, searchPath()).orElseThrow();

    assertThat(binary.source()).isEqualTo("path");
    assertThat(binary.executable()).isEqualTo(fake);
    assertThat(binary.version()).isEqualTo("7.9.1");
    assertThat(warnings()).isEmpty();
  }

  @Test
  void aBinaryThatExitsNonZeroIsSkippedWithAWarningForTheEmbeddedOne() throws IOException {
    Path fake =
        fakeRedisServer(
            "echo 'redis-server: error while loading shared libraries: libssl.so.3' >&2",
            "exit 127");

    RedisBinary binary = RedisBinary.search("auto", null, searchPath()).orElseThrow();

    assertThat(binary.source()).isEqualTo("embedded");
    assertThat(binary.version()).startsWith("6.2.");
    assertThat(warnings())
        .singleElement()
        .satisfies(
            message ->
                assertThat(message).contains(fake.toString(), "exited with 127", "libssl.so.3"));
  }

  @Test
  void aBinaryThatPrintsNoVersionIsSkippedWithAWarningForTheEmbeddedOne() throws IOException {
    Path fake = fakeRedisServer("echo 'Segmentation fault (core dumped)... or so it says'");

    RedisBinary binary = RedisBinary.search("auto", null, searchPath()).orElseThrow();

    assertThat(binary.source()).isEqualTo("embedded");
    assertThat(warnings())
        .singleElement()
        .satisfies(message -> assertThat(message).contains(fake.toString(), "printed no version"));
  }

  @Test
  void aBinaryThatCannotBeExecutedIsSkippedWithAWarningForTheEmbeddedOne() throws IOException {
    Path fake = dir.resolve("redis-server");
    Files.writeString(fake, "#!/nonexistent/interpreter\n", StandardCharsets.US_ASCII);
    assertThat(fake.toFile().setExecutable(true)).isTrue();

    RedisBinary binary = RedisBinary.search("auto", null, searchPath()).orElseThrow();

    assertThat(binary.source()).isEqualTo("embedded");
    assertThat(warnings()).singleElement().asString().contains(fake.toString());
  }

  @Test
  void whenOnlyThePathMayBeUsedAnUnusableBinaryIsAnError() throws IOException {
    Path fake = fakeRedisServer("echo garbage");

    assertThatThrownBy(() -> RedisBinary.search("path", null, searchPath()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(fake.toString())
        .hasMessageContaining("printed no version: garbage");
  }

  @Test
  void anEmptySearchPathFallsBackToTheEmbeddedBinaryWithoutAWarning() {
    Optional<RedisBinary> binary = RedisBinary.search("auto", null, "");

    assertThat(binary).map(RedisBinary::source).contains("embedded");
    assertThat(warnings()).isEmpty();
  }

  private String searchPath() {
    // An empty entry and a missing directory first, as a real PATH may have them.
    return "" + File.pathSeparator + dir.resolve("missing") + File.pathSeparator + dir;
  }

  private Path fakeRedisServer(String... lines) throws IOException {
    Path fake = dir.resolve("redis-server");
    Files.writeString(
        fake, "#!/bin/sh\n" + String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
    assertThat(fake.toFile().setExecutable(true)).isTrue();
    return fake;
  }

  private List<String> warnings() {
    return logged.list.stream()
        .filter(event -> event.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
