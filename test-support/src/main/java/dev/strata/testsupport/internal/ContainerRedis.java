package dev.strata.testsupport.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A Redis server in a Docker container (Testcontainers), used only when no {@code redis-server}
 * binary is available. The host port is fixed so that a restart keeps it. Suspend and resume map to
 * {@code docker pause}/{@code unpause}, kill to {@code docker kill}, restart to {@code docker
 * start}. The image is {@code redis:7-alpine} unless system property {@code strata.redis.image}
 * names another. Methods are synchronized.
 */
public final class ContainerRedis implements RedisInstance {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRedis.class);
  private static final Duration PING_TIMEOUT = Duration.ofMillis(500);

  private final GenericContainer<?> container;
  private final int port;
  private final RespClient admin;
  private boolean suspended;
  private boolean killed;
  private boolean closed;

  private ContainerRedis(GenericContainer<?> container, int port) {
    this.container = container;
    this.port = port;
    this.admin = new RespClient("127.0.0.1", port, null, null);
  }

  /**
   * Returns whether a Docker daemon answers. Callers must first check that Testcontainers is on the
   * class path: loading this class links against it.
   */
  public static boolean isAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * Starts a container and waits until Redis answers.
   *
   * @param settings extra {@code name value} settings passed as {@code --name value} arguments
   */
  @SuppressWarnings({"resource", "deprecation"})
  public static ContainerRedis start(List<String[]> settings) {
    int port = FreePorts.pick(false);
    List<String> command =
        new ArrayList<>(List.of("redis-server", "--save", "", "--appendonly", "no"));
    for (String[] setting : settings) {
      command.add("--" + setting[0]);
      command.add(setting[1]);
    }
    String image = System.getProperty("strata.redis.image", "redis:7-alpine");
    GenericContainer<?> container =
        new FixedHostPortGenericContainer<>(image)
            .withFixedExposedPort(port, 6379)
            .withCommand(command.toArray(String[]::new))
            .waitingFor(Wait.forListeningPort());
    container.start();
    LOG.info("Started Redis container {} ({}) on port {}", container.getContainerId(), image, port);
    ContainerRedis redis = new ContainerRedis(container, port);
    redis.awaitPing();
    return redis;
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public RespClient admin() {
    return admin;
  }

  @Override
  public synchronized void suspend() {
    if (!suspended) {
      DockerClientFactory.instance().client().pauseContainerCmd(container.getContainerId()).exec();
      suspended = true;
    }
  }

  @Override
  public synchronized void resume() {
    if (suspended) {
      DockerClientFactory.instance()
          .client()
          .unpauseContainerCmd(container.getContainerId())
          .exec();
      suspended = false;
    }
  }

  @Override
  public synchronized void kill() {
    resume();
    if (!killed) {
      DockerClientFactory.instance().client().killContainerCmd(container.getContainerId()).exec();
      killed = true;
    }
  }

  @Override
  public synchronized void restart() {
    kill();
    DockerClientFactory.instance().client().startContainerCmd(container.getContainerId()).exec();
    killed = false;
    awaitPing();
  }

  @Override
  public synchronized boolean isRunning() {
    return !closed && !killed;
  }

  @Override
  public synchronized boolean isSuspended() {
    return suspended;
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.empty();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      container.stop();
    }
  }

  private void awaitPing() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        if ("PONG".equals(admin.call(PING_TIMEOUT, "PING"))) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Redis container on port " + port + " did not answer PING");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the Redis container", e);
      }
    }
  }
}
