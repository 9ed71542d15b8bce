package dev.strata.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the simulated users on a small pool of worker threads at a steady request rate. Each worker
 * owns a fixed share of the users and steps them in turn, so a user never has two requests in
 * flight. Thread-safe: start once, stop once.
 */
final class UserLoad {
  private final List<SimulatedUser> users;
  private final int workers;
  private final double requestsPerSecond;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  /**
   * @param users the users, already logged in
   * @param workers worker threads (at most one per user)
   * @param requestsPerSecond the target rate over all workers
   */
  UserLoad(List<SimulatedUser> users, int workers, double requestsPerSecond) {
    this.users = List.copyOf(users);
    this.workers = Math.max(1, Math.min(workers, users.size()));
    this.requestsPerSecond = requestsPerSecond;
  }

  void start() {
    running = true;
    long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) * workers / requestsPerSecond);
    for (int w = 0; w < workers; w++) {
      List<SimulatedUser> mine = new ArrayList<>();
      for (int i = w; i < users.size(); i += workers) {
        mine.add(users.get(i));
      }
      Thread thread =
          new Thread(
              () -> {
                long next = System.nanoTime();
                int turn = 0;
                while (running) {
                  mine.get(turn++ % mine.size()).step();
                  next = Math.max(next + intervalNanos, System.nanoTime() - intervalNanos);
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    LockSupport.parkNanos(wait);
                  }
                }
              },
              "demo-user-" + w);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Stops the workers and waits for each one's current step to finish. */
  void stop() {
    running = false;
    for (Thread thread : threads) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
