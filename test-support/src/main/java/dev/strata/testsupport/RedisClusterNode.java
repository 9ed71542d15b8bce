package dev.strata.testsupport;

import dev.strata.testsupport.internal.LocalRedisProcess;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One {@code redis-server} process of a {@link RedisCluster}. Its {@link #server()} gives the
 * process-level faults ({@code kill}, {@code suspend}, {@code pause}, ...) for this node alone.
 * Whether it is a master or a replica can change (failover); {@link #isMaster()} asks the node.
 * Thread-safe.
 */
public final class RedisClusterNode {
  private final RedisServer server;
  private final LocalRedisProcess process;
  private volatile String id;

  RedisClusterNode(LocalRedisProcess process, String id) {
    this.process = process;
    this.server = new RedisServer(process, "process");
    this.id = id;
  }

  /**
   * Returns the cluster node id (40 hex characters); a new one after {@link RedisCluster#reset()}.
   */
  public String id() {
    return id;
  }

  /** Returns the node's server, for commands and process faults on this node only. */
  public RedisServer server() {
    return server;
  }

  /** Returns {@code 127.0.0.1}. */
  public String host() {
    return server.host();
  }

  /** Returns the node's client port; the cluster bus is on {@code port() + 10000}. */
  public int port() {
    return server.port();
  }

  /** Returns {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return server.uri();
  }

  /**
   * Asks the node for its role ({@code ROLE}).
   *
   * @return true for a master, false for a replica
   * @throws java.io.UncheckedIOException when the node is down or suspended
   */
  public boolean isMaster() {
    Object role = server.command("ROLE");
    return role instanceof List<?> list && !list.isEmpty() && "master".equals(list.get(0));
  }

  LocalRedisProcess process() {
    return process;
  }

  void id(String newId) {
    this.id = newId;
  }

  boolean isResponsive() {
    return server.isRunning() && !server.isSuspended();
  }

  @Nullable Object call(Duration timeout, String... args) {
    return process.admin().call(timeout, args);
  }

  @Override
  public String toString() {
    return "RedisClusterNode[" + port() + " " + id + "]";
  }
}
