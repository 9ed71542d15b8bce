package dev.strata.testsupport.internal;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One Redis server behind a {@link dev.strata.testsupport.RedisServer}: a local process, an
 * external server or a container. Fault operations that a kind of instance cannot perform abort the
 * calling test with a JUnit assumption failure naming the reason.
 */
public interface RedisInstance {
  /** Returns the host clients connect to. */
  String host();

  /** Returns the port clients connect to. */
  int port();

  /** Returns the {@code redis://} URI clients connect to. */
  String uri();

  /** Returns the client for administrative commands. */
  RespClient admin();

  /** Stops the process with SIGSTOP: connections stay open but nothing is answered. */
  void suspend();

  /** Continues a suspended process with SIGCONT. */
  void resume();

  /** Kills the process with SIGKILL and waits until it is gone. */
  void kill();

  /** Starts the server again on the same port (killing it first if running), waits until ready. */
  void restart();

  /** Returns whether the server process exists (it may be suspended). */
  boolean isRunning();

  /** Returns whether the process is suspended by {@link #suspend()}. */
  boolean isSuspended();

  /** Returns the file the server logs to, when there is one. */
  Optional<Path> logFile();

  /** Stops the server and releases its resources; idempotent. */
  void close();
}
