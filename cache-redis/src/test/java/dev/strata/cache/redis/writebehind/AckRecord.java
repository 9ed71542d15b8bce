package dev.strata.cache.redis.writebehind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a killed writer acknowledged, read from its record file, and the check of a database against
 * it: each key must hold its last acknowledged value, or the value of a put made after it that was
 * never acknowledged (in flight at the kill, or failed: such a put may or may not have been
 * applied). A key never acknowledged may be absent.
 */
final class AckRecord {

  /** For each key: the last acknowledged value (null if none) and the unacknowledged ones after. */
  private final Map<Long, String> lastAcked = new HashMap<>();

  private final Map<Long, Set<String>> maybe = new HashMap<>();
  private long acknowledged;

  static AckRecord read(List<Path> files) throws IOException {
    AckRecord record = new AckRecord();
    for (Path file : files) {
      record.add(file);
    }
    return record;
  }

  private void add(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String[] parts = lines[i].split(" ");
      if (parts.length != 3) {
        continue; // the torn last line of a killed writer
      }
      long key;
      try {
        key = Long.parseLong(parts[1]);
      } catch (NumberFormatException e) {
        continue;
      }
      String value = parts[2];
      switch (parts[0]) {
        case "I" -> maybe.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(value);
        case "A" -> {
          acknowledged++;
          lastAcked.put(key, value);
          maybe.put(key, new LinkedHashSet<>());
        }
        default -> {
          // "F": the put failed; its intent stays a possibility
        }
      }
    }
  }

  long acknowledged() {
    return acknowledged;
  }

  /** Returns a description of every key whose database value is not allowed; empty when right. */
  List<String> mismatches(Map<Long, String> database) {
    List<String> wrong = new ArrayList<>();
    Set<Long> keys = new HashSet<>(lastAcked.keySet());
    keys.addAll(database.keySet());
    for (Long key : keys) {
      String actual = database.get(key);
      @Nullable String acked = lastAcked.get(key);
      Set<String> possible = maybe.getOrDefault(key, Set.of());
      boolean ok =
          actual == null ? acked == null : actual.equals(acked) || possible.contains(actual);
      if (!ok) {
        wrong.add(
            "key "
                + key
                + ": database has "
                + actual
                + ", last acknowledged "
                + acked
                + (possible.isEmpty() ? "" : " (or unacknowledged " + possible + ")"));
      }
    }
    return wrong;
  }
}
