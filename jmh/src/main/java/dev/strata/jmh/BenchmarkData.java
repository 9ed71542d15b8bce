package dev.strata.jmh;

import dev.strata.cache.CacheLoader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The string data set of the Redis cache benchmarks: keys under a prefix, the value of key {@code
 * i} ({@code "value-i-"} and 48 {@code x}), and the keys cut into groups for bulk reads. Every
 * method returns new arrays and maps; nothing is shared.
 */
public final class BenchmarkData {

  private BenchmarkData() {}

  /** The value stored under the {@code i}-th key of every library. */
  public static String value(int i) {
    return "value-" + i + "-" + "x".repeat(48);
  }

  /** {@code count} keys: {@code prefix + i}. */
  public static String[] keys(String prefix, int count) {
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = prefix + i;
    }
    return keys;
  }

  /** The {@code i}-th key with the {@code i}-th {@link #value(int)}, in a new map. */
  public static Map<String, String> entries(String[] keys) {
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < keys.length; i++) {
      entries.put(keys[i], value(i));
    }
    return entries;
  }

  /**
   * Writes the {@code i}-th key with the {@code i}-th {@link #value(int)}, one at a time, in order.
   */
  public static void writeEach(String[] keys, BiConsumer<String, String> write) {
    for (int i = 0; i < keys.length; i++) {
      write.accept(keys[i], value(i));
    }
  }

  /**
   * The keys cut into {@code keys.length / size} groups of {@code size}; a remainder is left out.
   */
  public static String[][] groups(String[] keys, int size) {
    String[][] groups = new String[keys.length / size][];
    for (int g = 0; g < groups.length; g++) {
      groups[g] = Arrays.copyOfRange(keys, g * size, (g + 1) * size);
    }
    return groups;
  }

  /** {@link #groups(String[], int)} as lists. */
  @SuppressWarnings("unchecked")
  public static List<String>[] groupLists(String[] keys, int size) {
    String[][] groups = groups(keys, size);
    List<String>[] lists = new List[groups.length];
    for (int g = 0; g < groups.length; g++) {
      lists[g] = Arrays.asList(groups[g]);
    }
    return lists;
  }

  /** A loader for caches that hold every key: it throws, naming the key, if ever asked. */
  public static <K, V> CacheLoader<K, V> failingLoader() {
    return key -> {
      throw new IllegalStateException("every key is present; nothing should load " + key);
    };
  }

  /**
   * Fails the setup when a cache lost keys.
   *
   * @throws IllegalStateException naming {@code holder} when {@code held} is false
   */
  public static void requireHeld(boolean held, String holder) {
    if (!held) {
      throw new IllegalStateException(holder + " does not hold the benchmark's keys");
    }
  }
}
