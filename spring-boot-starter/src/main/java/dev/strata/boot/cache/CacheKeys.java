package dev.strata.boot.cache;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns Spring cache keys (strings, numbers, {@code SimpleKey}s, application key objects) into the
 * strings Strata's caches are keyed by: the key's {@code toString()}, which must be a stable
 * override (as for Spring's own Redis cache). Thread-safe.
 */
final class CacheKeys {

  private static final ConcurrentHashMap<Class<?>, Boolean> HAS_TO_STRING =
      new ConcurrentHashMap<>();

  private CacheKeys() {}

  /**
   * Returns the string form of a key.
   *
   * @param cacheName for the message
   * @param key the Spring cache key, not null
   * @return its string form
   * @throws IllegalArgumentException if the key's class does not override {@code toString()}
   */
  static String of(String cacheName, Object key) {
    if (key instanceof String s) {
      return s;
    }
    Class<?> type = key.getClass();
    if (!HAS_TO_STRING.computeIfAbsent(type, CacheKeys::overridesToString)) {
      throw new IllegalArgumentException(
          "Cache '"
              + cacheName
              + "' cannot use a key of type "
              + type.getName()
              + ": it does not override toString(), which Strata uses as the stored key. Give"
              + " the class a stable toString() or use a key expression such as key = \"#id\".");
    }
    return key.toString();
  }

  private static boolean overridesToString(Class<?> type) {
    try {
      Method method = type.getMethod("toString");
      return method.getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
