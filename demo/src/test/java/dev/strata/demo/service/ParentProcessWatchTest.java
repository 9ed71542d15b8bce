package dev.strata.demo.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;

class ParentProcessWatchTest {

  private static final ApplicationEventPublisher NO_EVENTS = event -> {};

  @Test
  void theInstanceExitsWhenItsParentProcessEnds() throws Exception {
    Process parent = new ProcessBuilder("sleep", "300").start();
    try {
      DemoSettings settings = new DemoSettings("app-1", parent.pid(), Duration.ofMinutes(5));
      GracefulDrain drain = new GracefulDrain(NO_EVENTS, settings);
      CountDownLatch exited = new CountDownLatch(1);
      ParentProcessWatch watch = new ParentProcessWatch(settings, drain, exited::countDown);
      drain.start();
      watch.start();

      assertThat(exited.await(200, TimeUnit.MILLISECONDS)).isFalse();
      parent.destroyForcibly().waitFor();

      assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
      // the exit's shutdown does not wait for the drain delay: nobody is left to drain from
      Thread stopping = new Thread(drain::stop);
      stopping.start();
      stopping.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(stopping.isAlive()).isFalse();
    } finally {
      parent.destroyForcibly();
    }
  }

  @Test
  void anInstanceWhoseParentIsAlreadyGoneExitsAtOnce() throws Exception {
    Process parent = new ProcessBuilder("true").start();
    parent.waitFor();
    DemoSettings settings = new DemoSettings("app-1", parent.pid(), Duration.ofSeconds(2));
    CountDownLatch exited = new CountDownLatch(1);
    new ParentProcessWatch(settings, new GracefulDrain(NO_EVENTS, settings), exited::countDown)
        .start();
    assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void withoutAParentPidNothingIsWatched() throws Exception {
    DemoSettings settings = new DemoSettings("app-1", null, Duration.ofSeconds(2));
    CountDownLatch exited = new CountDownLatch(1);
    ParentProcessWatch watch =
        new ParentProcessWatch(settings, new GracefulDrain(NO_EVENTS, settings), exited::countDown);
    watch.start();
    assertThat(watch.isRunning()).isTrue();
    assertThat(exited.getCount()).isEqualTo(1);
  }

  @Test
  void unusableSettingsNameTheProperty() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new DemoSettings("app 1", null, Duration.ofSeconds(2)))
        .hasMessageContaining("strata.demo.instance");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new DemoSettings("app-1", -3L, Duration.ofSeconds(2)))
        .hasMessageContaining("strata.demo.parent-pid");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new DemoSettings("app-1", null, Duration.ofSeconds(-2)))
        .hasMessageContaining("strata.demo.drain-delay");
  }
}
