package dev.strata.testsupport.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One line of {@code CLUSTER NODES}: how one node sees another (or itself).
 *
 * @param id the node id
 * @param port the client port
 * @param flags the flags ({@code myself}, {@code master}, {@code slave}, {@code fail}, ...)
 * @param masterId the id of the master this node replicates, or {@code -}
 * @param connected whether the link state is {@code connected}
 * @param slotRanges the slot ranges served, as inclusive {@code [from, to]} pairs; importing and
 *     migrating markers are left out
 */
public record ClusterNodeEntry(
    String id,
    int port,
    Set<String> flags,
    String masterId,
    boolean connected,
    List<int[]> slotRanges) {

  /** Returns whether the node is flagged {@code master}. */
  public boolean isMaster() {
    return flags.contains("master");
  }

  /** Returns whether the node is flagged {@code fail} or {@code fail?}. */
  public boolean isFailing() {
    return flags.contains("fail") || flags.contains("fail?");
  }

  /** Returns whether the node is still being introduced ({@code handshake} or {@code noaddr}). */
  public boolean isHandshaking() {
    return flags.contains("handshake") || flags.contains("noaddr");
  }

  /** Returns the number of slots the node serves. */
  public int slotCount() {
    int count = 0;
    for (int[] range : slotRanges) {
      count += range[1] - range[0] + 1;
    }
    return count;
  }

  /**
   * Parses the reply of {@code CLUSTER NODES}.
   *
   * @throws IllegalArgumentException when a line is malformed
   */
  public static List<ClusterNodeEntry> parse(String clusterNodes) {
    List<ClusterNodeEntry> entries = new ArrayList<>();
    for (String line : clusterNodes.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      String[] fields = trimmed.split(" ");
      if (fields.length < 8) {
        throw new IllegalArgumentException("malformed CLUSTER NODES line: " + trimmed);
      }
      String address = fields[1];
      int at = address.indexOf('@');
      String hostPort = at < 0 ? address : address.substring(0, at);
      int colon = hostPort.lastIndexOf(':');
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      Set<String> flags = Set.of(fields[2].split(","));
      List<int[]> ranges = new ArrayList<>();
      for (int i = 8; i < fields.length; i++) {
        String slot = fields[i];
        if (slot.startsWith("[")) {
          continue;
        }
        int dash = slot.indexOf('-');
        if (dash < 0) {
          int single = Integer.parseInt(slot);
          ranges.add(new int[] {single, single});
        } else {
          ranges.add(
              new int[] {
                Integer.parseInt(slot.substring(0, dash)),
                Integer.parseInt(slot.substring(dash + 1))
              });
        }
      }
      entries.add(
          new ClusterNodeEntry(
              fields[0], port, flags, fields[3], "connected".equals(fields[7]), ranges));
    }
    return entries;
  }
}
