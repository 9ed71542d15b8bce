package dev.strata.cache.strategy;

import dev.strata.cache.CacheWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A writer in front of a real one that records what reaches it, in order, and can hold batches at a
 * gate until the test opens it.
 */
final class RecordingWriter<K, V> implements CacheWriter<K, V> {

  /** One call that reached the writer: the values written, or the keys deleted. */
  record Call<K, V>(Map<K, V> written, List<K> deleted) {}

  private final CacheWriter<K, V> target;
  final List<Call<K, V>> calls = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  final CountDownLatch entered = new CountDownLatch(1);

  RecordingWriter(CacheWriter<K, V> target) {
    this.target = target;
  }

  /** Makes calls wait until {@link #release()}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  private void pass() throws InterruptedException {
    entered.countDown();
    if (!gate.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gate never opened");
    }
  }

  @Override
  public void write(K key, V value) throws Exception {
    writeAll(Map.of(key, value));
  }

  @Override
  public void delete(K key) throws Exception {
    deleteAll(List.of(key));
  }

  @Override
  public void writeAll(Map<? extends K, ? extends V> entries) throws Exception {
    pass();
    target.writeAll(entries);
    calls.add(new Call<>(new LinkedHashMap<>(entries), List.of()));
  }

  @Override
  public void deleteAll(Collection<? extends K> keys) throws Exception {
    pass();
    target.deleteAll(keys);
    calls.add(new Call<>(Map.of(), new ArrayList<>(keys)));
  }

  /** Every value written to {@code key}, in order. */
  List<V> writesOf(K key) {
    List<V> values = new ArrayList<>();
    for (Call<K, V> call : calls) {
      if (call.written().containsKey(key)) {
        values.add(call.written().get(key));
      }
    }
    return values;
  }

  int writtenEntries() {
    return calls.stream().mapToInt(c -> c.written().size() + c.deleted().size()).sum();
  }
}
