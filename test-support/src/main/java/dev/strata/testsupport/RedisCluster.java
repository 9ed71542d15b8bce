package dev.strata.testsupport;

import dev.strata.testsupport.internal.ClusterNodeEntry;
import dev.strata.testsupport.internal.ClusterSlots;
import dev.strata.testsupport.internal.LocalRedisProcess;
import dev.strata.testsupport.internal.RedisBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Cluster of local {@code redis-server} processes on 127.0.0.1: {@code masters}
 * masters with the 16384 slots split evenly in order (master 0 holds the lowest slots), each with
 * {@code replicasPerMaster} replicas. {@link #start(int, int)} returns once every node reports
 * {@code cluster_state:ok}, all nodes agree on the slot map and every replica is in sync.
 *
 * <p>Topology faults: {@link #failover(int)} promotes a replica of a master (a coordinated {@code
 * CLUSTER FAILOVER}, or {@code TAKEOVER} when the master is down), {@link #killMaster(int)} kills
 * one, {@link #migrateSlot(int, RedisClusterNode, RedisClusterNode)} moves a slot with its keys,
 * and every node's {@link RedisClusterNode#server()} offers the process faults of {@link
 * RedisServer}. {@link #reset()} rebuilds the initial layout on the same ports.
 *
 * <p>Requires a {@code redis-server} binary (PATH or embedded-redis); the external server of {@code
 * STRATA_REDIS_URL} is not used for clusters. Thread-safety: methods may be called from any thread;
 * topology changes are serialized.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start(3, 1)) {
 *   RedisClusterClient client = RedisClusterClient.create(cluster.uri());
 *   ...
 *   cluster.failover(0);   // the replica of the master of slot 0 takes over
 * }
 * }</pre>
 */
public final class RedisCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);
  private static final Duration CALL_TIMEOUT = ClusterConvergence.CALL_TIMEOUT;
  private static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_NODES = 32;

  private final int masterCount;
  private final int replicasPerMaster;
  private final List<RedisClusterNode> nodes;
  private boolean closed;

  private RedisCluster(int masterCount, int replicasPerMaster, List<RedisClusterNode> nodes) {
    this.masterCount = masterCount;
    this.replicasPerMaster = replicasPerMaster;
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts a cluster and waits until it is formed and stable.
   *
   * @param masters number of masters, at least 1
   * @param replicasPerMaster replicas of each master, at least 0
   * @return the running cluster; the caller must {@link #close()} it
   * @throws IllegalArgumentException when a count is out of range
   * @throws IllegalStateException when no redis-server binary is available or the cluster does not
   *     form within 30 seconds (the message says what was still missing)
   */
  public static RedisCluster start(int masters, int replicasPerMaster) {
    if (masters < 1) {
      throw new IllegalArgumentException("masters must be at least 1 but was " + masters);
    }
    if (replicasPerMaster < 0) {
      throw new IllegalArgumentException(
          "replicasPerMaster must not be negative but was " + replicasPerMaster);
    }
    int total = masters * (1 + replicasPerMaster);
    if (total > MAX_NODES) {
      throw new IllegalArgumentException(
          "a test cluster has at most " + MAX_NODES + " nodes but " + total + " were asked for");
    }
    RedisBinary binary =
        RedisBinary.resolve()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "A Redis Cluster needs a redis-server binary (PATH or embedded-redis);"
                            + " none is available on this machine"));
    List<String> config =
        List.of(
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
            "cluster-node-timeout 5000",
            "cluster-replica-validity-factor 0",
            "repl-diskless-sync-delay 0");
    List<RedisClusterNode> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < total; i++) {
        LocalRedisProcess process = LocalRedisProcess.start(binary, config, true, null);
        nodes.add(new RedisClusterNode(process, ""));
      }
      RedisCluster cluster = new RedisCluster(masters, replicasPerMaster, nodes);
      cluster.form();
      LOG.debug("Started Redis Cluster {}", cluster);
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(node -> node.process().close());
      throw e;
    }
  }

  /** Returns the cluster slot of {@code key} (CRC16 of the key or its {hash tag}, mod 16384). */
  public static int slotOf(String key) {
    Objects.requireNonNull(key, "key must not be null");
    return ClusterSlots.slotOf(key);
  }

  /** Returns all nodes in start order: the initial masters first, then their replicas. */
  public List<RedisClusterNode> nodes() {
    return nodes;
  }

  /**
   * Returns the current masters that serve slots, ordered by the lowest slot they serve, as seen by
   * a running node. After {@link #failover(int)} the promoted replica takes its old master's place
   * in this order.
   *
   * @throws IllegalStateException when no node is running
   */
  public List<RedisClusterNode> masters() {
    List<ClusterNodeEntry> view = view();
    List<ClusterNodeEntry> masters = new ArrayList<>();
    for (ClusterNodeEntry entry : view) {
      if (entry.isMaster() && entry.slotCount() > 0) {
        masters.add(entry);
      }
    }
    masters.sort(Comparator.comparingInt(entry -> lowestSlot(entry)));
    List<RedisClusterNode> result = new ArrayList<>();
    for (ClusterNodeEntry entry : masters) {
      result.add(byId(entry.id()));
    }
    return result;
  }

  /** Returns the nodes that currently replicate a master, as seen by a running node. */
  public List<RedisClusterNode> replicas() {
    List<RedisClusterNode> result = new ArrayList<>();
    for (ClusterNodeEntry entry : view()) {
      if (!entry.isMaster() && !entry.masterId().equals("-")) {
        result.add(byId(entry.id()));
      }
    }
    return result;
  }

  /** Returns the nodes that currently replicate {@code master}, as seen by a running node. */
  public List<RedisClusterNode> replicasOf(RedisClusterNode master) {
    List<RedisClusterNode> result = new ArrayList<>();
    for (ClusterNodeEntry entry : view()) {
      if (!entry.isMaster() && entry.masterId().equals(master.id())) {
        result.add(byId(entry.id()));
      }
    }
    return result;
  }

  /** Returns the master that serves {@code slot}, as seen by a running node. */
  public RedisClusterNode nodeForSlot(int slot) {
    checkSlot(slot);
    for (ClusterNodeEntry entry : view()) {
      if (entry.isMaster() && serves(entry, slot)) {
        return byId(entry.id());
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  /** Returns the URIs of all nodes, for a cluster client's seed list. */
  public List<String> seedUris() {
    List<String> uris = new ArrayList<>();
    for (RedisClusterNode node : nodes) {
      uris.add(node.uri());
    }
    return uris;
  }

  /** Returns the URI of the first node; a cluster client discovers the rest from it. */
  public String uri() {
    return nodes.get(0).uri();
  }

  /**
   * Deletes every key on every master ({@code FLUSHALL}); replicas follow through replication.
   *
   * @throws java.io.UncheckedIOException when a master is down or suspended
   */
  public void flushAll() {
    for (RedisClusterNode master : masters()) {
      master.server().flushAll();
    }
  }

  /**
   * Makes a replica of the {@code masterIndex}-th master (in {@link #masters()} order) take over
   * its slots, and waits until the whole cluster agrees.
   *
   * @return the promoted node
   * @throws IndexOutOfBoundsException when there is no such master
   * @throws IllegalStateException as described in {@link #failover(RedisClusterNode)}
   */
  public RedisClusterNode failover(int masterIndex) {
    return failover(masters().get(masterIndex));
  }

  /**
   * Makes a replica of {@code master} take over its slots: a coordinated {@code CLUSTER FAILOVER}
   * when the master is up (no write is lost), {@code CLUSTER FAILOVER TAKEOVER} when it is killed
   * or suspended. Waits until every running node sees the replica as the owner of those slots and
   * reports {@code cluster_state:ok}.
   *
   * @return the promoted node
   * @throws IllegalStateException when {@code master} is not a master with slots, has no running
   *     replica, or the cluster does not converge within 30 seconds
   */
  public synchronized RedisClusterNode failover(RedisClusterNode master) {
    requireOpen();
    ClusterNodeEntry entry = entryOf(view(), master);
    if (!entry.isMaster() || entry.slotCount() == 0) {
      throw new IllegalStateException(master + " is not a master that serves slots");
    }
    RedisClusterNode replica = null;
    for (ClusterNodeEntry candidate : view()) {
      if (candidate.masterId().equals(master.id()) && byId(candidate.id()).isResponsive()) {
        replica = byId(candidate.id());
        break;
      }
    }
    if (replica == null) {
      throw new IllegalStateException(
          master + " has no running replica; start the cluster with replicasPerMaster >= 1");
    }
    int slot = lowestSlot(entry);
    RedisClusterNode promoted = replica;
    if (master.isResponsive()) {
      promoted.call(CALL_TIMEOUT, "CLUSTER", "FAILOVER");
      try {
        ClusterConvergence.await(
            "coordinated failover of " + master + " to " + promoted,
            Duration.ofSeconds(10),
            () -> promoted.isMaster() ? null : "replica not promoted yet");
      } catch (IllegalStateException slow) {
        LOG.debug("Coordinated failover did not finish; taking over instead", slow);
        promoted.call(CALL_TIMEOUT, "CLUSTER", "FAILOVER", "TAKEOVER");
      }
    } else {
      promoted.call(CALL_TIMEOUT, "CLUSTER", "FAILOVER", "TAKEOVER");
    }
    ClusterConvergence.await(
        "failover of " + master + " to " + promoted,
        CONVERGENCE_TIMEOUT,
        () -> {
          String problem = ClusterConvergence.convergenceProblem(nodes);
          if (problem != null) {
            return problem;
          }
          return nodeForSlot(slot) == promoted ? null : "slot " + slot + " not yet moved";
        });
    LOG.debug("Failed over {} to {}", master, promoted);
    return promoted;
  }

  /**
   * Kills (SIGKILL) the {@code index}-th master in {@link #masters()} order and returns it. No
   * failover is triggered: the cluster reports {@code cluster_state:fail} once the other nodes
   * notice (after the node timeout) unless {@link #failover(RedisClusterNode)} is called, or a
   * replica takes over by itself after the node timeout (5 seconds).
   *
   * @throws IndexOutOfBoundsException when there is no such master
   */
  public synchronized RedisClusterNode killMaster(int index) {
    requireOpen();
    RedisClusterNode master = masters().get(index);
    master.server().kill();
    return master;
  }

  /**
   * Moves {@code slot} and its keys from its current owner to {@code to}: {@code SETSLOT
   * IMPORTING/MIGRATING}, {@code MIGRATE} of every key in batches, then {@code SETSLOT NODE} on
   * every running master, and waits until all nodes agree.
   *
   * @throws IllegalArgumentException when the slot is out of range or {@code to} already owns it
   * @throws IllegalStateException when a node fails a step or the cluster does not converge
   */
  public void migrateSlot(int slot, RedisClusterNode to) {
    migrateSlot(slot, nodeForSlot(slot), to);
  }

  /**
   * Moves {@code slot} and its keys from {@code from} to {@code to}; see {@link #migrateSlot(int,
   * RedisClusterNode)}.
   *
   * @throws IllegalArgumentException when the slot is out of range, {@code from} does not own it,
   *     or {@code from} and {@code to} are the same node
   */
  public synchronized void migrateSlot(int slot, RedisClusterNode from, RedisClusterNode to) {
    requireOpen();
    checkSlot(slot);
    if (from == to) {
      throw new IllegalArgumentException(
          "cannot migrate slot " + slot + " from " + from + " to itself");
    }
    if (nodeForSlot(slot) != from) {
      throw new IllegalArgumentException(
          "slot " + slot + " is served by " + nodeForSlot(slot) + ", not by " + from);
    }
    String slotText = Integer.toString(slot);
    to.call(CALL_TIMEOUT, "CLUSTER", "SETSLOT", slotText, "IMPORTING", from.id());
    from.call(CALL_TIMEOUT, "CLUSTER", "SETSLOT", slotText, "MIGRATING", to.id());
    while (true) {
      Object keys = from.call(CALL_TIMEOUT, "CLUSTER", "GETKEYSINSLOT", slotText, "100");
      if (!(keys instanceof List<?> list) || list.isEmpty()) {
        break;
      }
      List<String> args =
          new ArrayList<>(
              List.of(
                  "MIGRATE",
                  to.host(),
                  Integer.toString(to.port()),
                  "",
                  "0",
                  "10000",
                  "REPLACE",
                  "KEYS"));
      for (Object key : list) {
        args.add(String.valueOf(key));
      }
      from.call(CALL_TIMEOUT, args.toArray(String[]::new));
    }
    to.call(CALL_TIMEOUT, "CLUSTER", "SETSLOT", slotText, "NODE", to.id());
    from.call(CALL_TIMEOUT, "CLUSTER", "SETSLOT", slotText, "NODE", to.id());
    for (RedisClusterNode master : masters()) {
      if (master != to && master != from && master.isResponsive()) {
        master.call(CALL_TIMEOUT, "CLUSTER", "SETSLOT", slotText, "NODE", to.id());
      }
    }
    ClusterConvergence.await(
        "migration of slot " + slot + " to " + to,
        CONVERGENCE_TIMEOUT,
        () -> {
          String problem = ClusterConvergence.convergenceProblem(nodes);
          if (problem != null) {
            return problem;
          }
          return nodeForSlot(slot) == to ? null : "slot " + slot + " not yet moved";
        });
    LOG.debug("Migrated slot {} from {} to {}", slot, from, to);
  }

  /**
   * Waits until every running node reports {@code cluster_state:ok}, all agree on the slot map and
   * know each other, and every replica is in sync with its master.
   *
   * @throws IllegalStateException when that does not happen within 30 seconds
   */
  public void awaitStable() {
    ClusterConvergence.await(
        "cluster convergence",
        CONVERGENCE_TIMEOUT,
        () -> ClusterConvergence.convergenceProblem(nodes));
  }

  /**
   * Returns whether the cluster is as {@link #start(int, int)} left it: every node running and not
   * suspended, the original masters serving their original slots, every replica replicating its
   * original master.
   */
  public boolean isInInitialLayout() {
    for (RedisClusterNode node : nodes) {
      if (!node.isResponsive()) {
        return false;
      }
    }
    try {
      List<ClusterNodeEntry> view = view();
      for (int m = 0; m < masterCount; m++) {
        ClusterNodeEntry entry = entryOf(view, nodes.get(m));
        int[] range = slotRange(m);
        if (!entry.isMaster()
            || entry.isFailing()
            || entry.slotRanges().size() != 1
            || entry.slotRanges().get(0)[0] != range[0]
            || entry.slotRanges().get(0)[1] != range[1]) {
          return false;
        }
      }
      for (int r = masterCount; r < nodes.size(); r++) {
        ClusterNodeEntry entry = entryOf(view, nodes.get(r));
        if (entry.isMaster() || !entry.masterId().equals(masterOfReplica(r).id())) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Rebuilds the initial layout on the same ports, with an empty data set: every node is killed,
   * forgets the cluster, starts again and the cluster is formed anew (node ids change). Used
   * between tests after topology faults.
   *
   * @throws IllegalStateException when the cluster does not form again
   */
  public synchronized void reset() {
    requireOpen();
    for (RedisClusterNode node : nodes) {
      node.process().kill();
    }
    for (RedisClusterNode node : nodes) {
      Path nodesConf = node.process().directory().resolve("nodes.conf");
      try {
        Files.deleteIfExists(nodesConf);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot delete " + nodesConf, e);
      }
      node.process().restart();
    }
    form();
    LOG.debug("Reset Redis Cluster {}", this);
  }

  /** Stops every node and deletes their temp directories. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (RedisClusterNode node : nodes) {
      node.process().close();
    }
  }

  @Override
  public String toString() {
    List<Integer> ports = new ArrayList<>();
    for (RedisClusterNode node : nodes) {
      ports.add(node.port());
    }
    return "RedisCluster[masters="
        + masterCount
        + ", replicasPerMaster="
        + replicasPerMaster
        + ", ports="
        + ports
        + "]";
  }

  private void form() {
    for (int i = 0; i < nodes.size(); i++) {
      RedisClusterNode node = nodes.get(i);
      node.call(CALL_TIMEOUT, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
      node.id(Objects.requireNonNull((String) node.call(CALL_TIMEOUT, "CLUSTER", "MYID")));
    }
    RedisClusterNode first = nodes.get(0);
    for (int i = 1; i < nodes.size(); i++) {
      first.call(
          CALL_TIMEOUT, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(i).port()));
    }
    for (int m = 0; m < masterCount; m++) {
      int[] range = slotRange(m);
      List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int slot = range[0]; slot <= range[1]; slot++) {
        args.add(Integer.toString(slot));
      }
      nodes.get(m).call(CALL_TIMEOUT, args.toArray(String[]::new));
    }
    ClusterConvergence.await(
        "nodes meeting", CONVERGENCE_TIMEOUT, () -> ClusterConvergence.meshProblem(nodes));
    LOG.debug("All {} nodes of {} met", nodes.size(), this);
    for (int r = masterCount; r < nodes.size(); r++) {
      nodes.get(r).call(CALL_TIMEOUT, "CLUSTER", "REPLICATE", masterOfReplica(r).id());
    }
    awaitStable();
  }

  private RedisClusterNode masterOfReplica(int nodeIndex) {
    return nodes.get((nodeIndex - masterCount) / replicasPerMaster);
  }

  private int[] slotRange(int masterIndex) {
    int from = masterIndex * ClusterSlots.SLOT_COUNT / masterCount;
    int to = (masterIndex + 1) * ClusterSlots.SLOT_COUNT / masterCount - 1;
    return new int[] {from, to};
  }

  private List<ClusterNodeEntry> view() {
    for (RedisClusterNode node : nodes) {
      if (node.isResponsive()) {
        return ClusterConvergence.viewFrom(node);
      }
    }
    throw new IllegalStateException("no node of " + this + " is running");
  }

  private RedisClusterNode byId(String id) {
    for (RedisClusterNode node : nodes) {
      if (node.id().equals(id)) {
        return node;
      }
    }
    throw new IllegalStateException("unknown node id " + id + " in " + this);
  }

  private static ClusterNodeEntry entryOf(List<ClusterNodeEntry> view, RedisClusterNode node) {
    for (ClusterNodeEntry entry : view) {
      if (entry.id().equals(node.id())) {
        return entry;
      }
    }
    throw new IllegalStateException(node + " is not part of the cluster view");
  }

  private static int lowestSlot(ClusterNodeEntry entry) {
    int lowest = Integer.MAX_VALUE;
    for (int[] range : entry.slotRanges()) {
      lowest = Math.min(lowest, range[0]);
    }
    return lowest;
  }

  private static boolean serves(ClusterNodeEntry entry, int slot) {
    for (int[] range : entry.slotRanges()) {
      if (slot >= range[0] && slot <= range[1]) {
        return true;
      }
    }
    return false;
  }

  private static void checkSlot(int slot) {
    if (slot < 0 || slot >= ClusterSlots.SLOT_COUNT) {
      throw new IllegalArgumentException("slot must be in 0..16383 but was " + slot);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }
}
