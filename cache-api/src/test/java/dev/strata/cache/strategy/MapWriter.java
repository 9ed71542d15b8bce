package dev.strata.cache.strategy;

import dev.strata.cache.CacheWriter;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A writer into a map, with a hook run before every call (to fail or block it). */
final class MapWriter implements CacheWriter<Long, String> {
  final Map<Long, String> rows = new ConcurrentHashMap<>();
  volatile Consumer<Collection<? extends Long>> before = keys -> {};

  @Override
  public void write(Long key, String value) {
    writeAll(Map.of(key, value));
  }

  @Override
  public void writeAll(Map<? extends Long, ? extends String> entries) {
    before.accept(entries.keySet());
    rows.putAll(entries);
  }

  @Override
  public void delete(Long key) {
    deleteAll(java.util.List.of(key));
  }

  @Override
  public void deleteAll(Collection<? extends Long> keys) {
    before.accept(keys);
    keys.forEach(rows::remove);
  }
}
