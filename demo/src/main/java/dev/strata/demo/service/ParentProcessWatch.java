package dev.strata.demo.service;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Ends this JVM when the process that started it ({@code strata.demo.parent-pid}) is gone, so that
 * no instance outlives an orchestrator that was killed with SIGKILL. The exit runs the normal
 * shutdown (without the drain delay). Does nothing without a parent pid. Thread-safe.
 */
final class ParentProcessWatch implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ParentProcessWatch.class);

  private final DemoSettings settings;
  private final GracefulDrain drain;
  private final Runnable exit;
  private volatile boolean running;

  ParentProcessWatch(DemoSettings settings, GracefulDrain drain) {
    this(settings, drain, () -> System.exit(0));
  }

  /** With {@code exit} run (on a thread of its own) instead of {@code System.exit(0)}. */
  ParentProcessWatch(DemoSettings settings, GracefulDrain drain, Runnable exit) {
    this.settings = settings;
    this.drain = drain;
    this.exit = exit;
  }

  @Override
  public void start() {
    running = true;
    Long pid = settings.parentPid();
    if (pid == null) {
      return;
    }
    Optional<ProcessHandle> parent = ProcessHandle.of(pid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      exit(pid);
      return;
    }
    parent.get().onExit().thenRun(() -> exit(pid));
  }

  private void exit(long pid) {
    if (!running) {
      return;
    }
    log.warn("{}: parent process {} is gone, exiting", settings.instance(), pid);
    drain.skipDelay();
    new Thread(exit, "parent-gone-exit").start();
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
