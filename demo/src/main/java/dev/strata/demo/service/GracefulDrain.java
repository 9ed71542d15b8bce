package dev.strata.demo.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The first thing a shutdown (SIGTERM, or the context closing) does: readiness goes to {@code
 * REFUSING_TRAFFIC} at once, so balancers probing {@code /actuator/health/readiness} stop sending
 * new requests, while the service keeps serving for the drain delay; only then does the web
 * server's graceful shutdown (a later lifecycle phase) stop accepting requests and wait for those
 * in flight. The delay is cut short by {@link #skipDelay()} (the parent process is gone: no
 * balancer to drain from). Thread-safe.
 */
final class GracefulDrain implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(GracefulDrain.class);

  private final ApplicationEventPublisher events;
  private final Duration delay;
  private final String instance;
  private final CountDownLatch skip = new CountDownLatch(1);
  private volatile boolean running;

  GracefulDrain(ApplicationEventPublisher events, DemoSettings settings) {
    this.events = events;
    this.delay = settings.drainDelay();
    this.instance = settings.instance();
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    if (!running) {
      return;
    }
    AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
    log.info(
        "{}: shutting down: readiness is down, serving for {} before stopping", instance, delay);
    try {
      // the drain delay is the wait itself; skipDelay() ends it early
      if (skip.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
        log.info("{}: drain delay skipped", instance);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running = false;
  }

  /** Ends a drain delay in progress, and any later one, at once. */
  void skipDelay() {
    skip.countDown();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before everything else, the web server's graceful shutdown included. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
