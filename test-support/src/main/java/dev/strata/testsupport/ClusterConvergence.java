package dev.strata.testsupport;

import dev.strata.testsupport.internal.ClusterNodeEntry;
import dev.strata.testsupport.internal.ClusterSlots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Whether the nodes of a {@link RedisCluster} agree: every node knows every other (the mesh), and
 * the running nodes report {@code cluster_state:ok}, see each other as healthy, agree on the slot
 * map and on who replicates whom, and every replica is in sync. Each check returns null when it
 * holds, else what is wrong; {@link #await} polls one until it holds. Stateless.
 */
final class ClusterConvergence {
  /** How long one command to a node may take. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private ClusterConvergence() {}

  /** Returns null when every node knows every other node, else what is missing. */
  static @Nullable String meshProblem(List<RedisClusterNode> nodes) {
    for (RedisClusterNode node : nodes) {
      List<ClusterNodeEntry> view = viewFrom(node);
      long known = view.stream().filter(e -> !e.isHandshaking()).count();
      if (known != nodes.size()) {
        return node + " knows " + known + " of " + nodes.size() + " nodes";
      }
    }
    return null;
  }

  /** Returns null when the running nodes agree on a healthy cluster, else what is wrong. */
  static @Nullable String convergenceProblem(List<RedisClusterNode> nodes) {
    String[] reference = null;
    RedisClusterNode referenceNode = null;
    Map<String, String> referenceRoles = null;
    List<String> runningIds = new ArrayList<>();
    for (RedisClusterNode node : nodes) {
      if (node.isResponsive()) {
        runningIds.add(node.id());
      }
    }
    for (RedisClusterNode node : nodes) {
      if (!node.isResponsive()) {
        continue;
      }
      String info = (String) node.call(CALL_TIMEOUT, "CLUSTER", "INFO");
      if (info == null || !info.contains("cluster_state:ok")) {
        return node + " does not report cluster_state:ok";
      }
      List<ClusterNodeEntry> view = viewFrom(node);
      Map<String, ClusterNodeEntry> byId = new HashMap<>();
      for (ClusterNodeEntry entry : view) {
        byId.put(entry.id(), entry);
      }
      for (String id : runningIds) {
        ClusterNodeEntry entry = byId.get(id);
        if (entry == null || entry.isHandshaking() || entry.isFailing()) {
          return node + " does not see running node " + id + " as healthy";
        }
      }
      String[] owners = slotOwners(view);
      Map<String, String> roles = new HashMap<>();
      for (String id : runningIds) {
        ClusterNodeEntry entry = byId.get(id);
        roles.put(id, entry.isMaster() ? "master" : entry.masterId());
      }
      if (reference == null) {
        reference = owners;
        referenceRoles = roles;
        referenceNode = node;
      } else if (!Arrays.equals(reference, owners)) {
        return node + " and " + referenceNode + " disagree on the slot map";
      } else if (!roles.equals(referenceRoles)) {
        return node + " and " + referenceNode + " disagree on who replicates whom";
      }
      ClusterNodeEntry self =
          view.stream().filter(e -> e.flags().contains("myself")).findFirst().orElse(null);
      if (self != null && !self.isMaster()) {
        String replication = (String) node.call(CALL_TIMEOUT, "INFO", "replication");
        if (replication == null || !replication.contains("master_link_status:up")) {
          return node + " is not in sync with its master yet";
        }
      }
    }
    if (reference == null) {
      return "no node is running";
    }
    for (int slot = 0; slot < reference.length; slot++) {
      if (reference[slot] == null) {
        return "slot " + slot + " is not served";
      }
    }
    return null;
  }

  private static String[] slotOwners(List<ClusterNodeEntry> view) {
    String[] owners = new String[ClusterSlots.SLOT_COUNT];
    for (ClusterNodeEntry entry : view) {
      if (!entry.isMaster()) {
        continue;
      }
      for (int[] range : entry.slotRanges()) {
        Arrays.fill(owners, range[0], range[1] + 1, entry.id());
      }
    }
    return owners;
  }

  static List<ClusterNodeEntry> viewFrom(RedisClusterNode node) {
    return ClusterNodeEntry.parse(
        Objects.requireNonNull((String) node.call(CALL_TIMEOUT, "CLUSTER", "NODES")));
  }

  static void await(String what, Duration timeout, Supplier<@Nullable String> problem) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "not checked yet";
    while (true) {
      try {
        String current = problem.get();
        if (current == null) {
          return;
        }
        last = current;
      } catch (RuntimeException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            what + " did not complete within " + timeout.toSeconds() + "s: " + last);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }
}
