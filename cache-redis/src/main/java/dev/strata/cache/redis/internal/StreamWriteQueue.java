package dev.strata.cache.redis.internal;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.redis.RedisWriteQueue;
import dev.strata.cache.redis.RedisWriteQueueStats;
import dev.strata.cache.redis.ValueCodec;
import dev.strata.cache.spi.PendingWrite;
import dev.strata.cache.spi.WriteBatch;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable write-behind queue on Redis Streams; see {@link RedisWriteQueue} for the contract.
 * Thread-safe: offers and reads from any thread, batches from the one flusher, leases from one
 * daemon thread.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class StreamWriteQueue<K, V> implements RedisWriteQueue<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(StreamWriteQueue.class);
  private static final String GROUP = "flushers";

  private final RedisClusterAsyncCommands<String, String> redis;
  private final KeyCodec<K> keyCodec;
  private final ValueCodec<V> valueCodec;
  private final String name;
  private final String nodeId;
  private final StreamPartition[] partitions;
  private final int capacity;
  private final String perPartitionCapacity;
  private final long leaseMillis;
  private final int replicas;
  private final long replicaTimeoutMillis;
  private final long pollNanos;
  private final StreamCommands commands;
  private final ScheduledExecutorService leaseThread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Map<Long, String[]> flushTargets = new ConcurrentHashMap<>();
  private final AtomicLong flushTokens = new AtomicLong();
  private final AtomicLong ownerChanges = new AtomicLong();
  private final AtomicLong claimed = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong lostLeases = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean released;
  private volatile boolean wakeUp;
  private volatile @Nullable Batch<K, V> inFlight;
  private int cursor;

  /** A batch of one partition: the writes to make and every stream entry they cover. */
  private record Batch<K, V>(
      StreamPartition partition,
      String leaseValue,
      List<PendingWrite<K, V>> writes,
      List<String> ids,
      Map<String, String> keySequences)
      implements WriteBatch<K, V> {}

  /** Creates the queue; the builder in {@link RedisWriteQueue} validated every argument. */
  public StreamWriteQueue(
      RedisClusterAsyncCommands<String, String> redis,
      KeyCodec<K> keyCodec,
      ValueCodec<V> valueCodec,
      String queueKeyPrefix,
      String name,
      String nodeId,
      int partitionCount,
      int capacity,
      Duration leaseTime,
      int replicas,
      Duration replicaTimeout,
      Duration pollInterval,
      Duration commandTimeout) {
    this.redis = redis;
    this.keyCodec = keyCodec;
    this.valueCodec = valueCodec;
    this.name = name;
    this.nodeId = nodeId;
    this.partitions = new StreamPartition[partitionCount];
    for (int i = 0; i < partitionCount; i++) {
      partitions[i] = new StreamPartition(queueKeyPrefix, name, i);
    }
    this.capacity = capacity;
    this.perPartitionCapacity = Integer.toString((capacity + partitionCount - 1) / partitionCount);
    this.leaseMillis = leaseTime.toMillis();
    this.replicas = replicas;
    this.replicaTimeoutMillis = replicaTimeout.toMillis();
    this.pollNanos = pollInterval.toNanos();
    this.commands = new StreamCommands(redis, name, commandTimeout.toMillis());
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "strata-write-behind-lease-" + name);
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.leaseThread = executor;
    long period = Math.max(1, leaseMillis / 3);
    leaseThread.scheduleWithFixedDelay(this::renewLeases, 0, period, TimeUnit.MILLISECONDS);
  }

  // --- writes ---

  @Override
  public Offer offer(K key, @Nullable V value) {
    if (closed) {
      return Offer.CLOSED;
    }
    String encodedKey = keyCodec.encode(key);
    StreamPartition partition = partitionOf(encodedKey);
    String op = value == null ? "D" : "P";
    String encodedValue =
        value == null ? "" : Base64.getEncoder().encodeToString(valueCodec.encode(value));
    List<Object> reply =
        commands.script(
            WriteQueueScripts.OFFER,
            partition.offerKeys,
            encodedKey,
            op,
            encodedValue,
            perPartitionCapacity);
    long status = (Long) reply.get(0);
    if (status < 0) {
      return Offer.FULL;
    }
    if (replicas > 0) {
      long acked = commands.await(redis.waitForReplication(replicas, replicaTimeoutMillis));
      if (acked < replicas) {
        throw new IllegalStateException(
            "write-behind queue '"
                + name
                + "': the write is in the primary but only "
                + acked
                + " of "
                + replicas
                + " replicas confirmed it within "
                + replicaTimeoutMillis
                + " ms");
      }
    }
    // no wake-up: the flusher polls, so that writes made meanwhile go out in one batch
    return status == 0 ? Offer.QUEUED : Offer.COALESCED;
  }

  @Override
  public boolean awaitRoom(long timeoutNanos) throws InterruptedException {
    if (timeoutNanos <= 0) {
      return false;
    }
    TimeUnit.NANOSECONDS.sleep(Math.min(timeoutNanos, pollNanos));
    return true;
  }

  @Override
  public @Nullable PendingWrite<K, V> pendingWrite(K key) {
    String encodedKey = keyCodec.encode(key);
    String pending = commands.await(redis.hget(partitionOf(encodedKey).pending, encodedKey));
    if (pending == null) {
      return null;
    }
    int bar = pending.indexOf('|');
    if (bar <= 0 || bar + 1 >= pending.length()) {
      LOG.warn("write-behind queue '{}': ignoring a malformed pending write of a key", name);
      return null;
    }
    long sequence = parseSequence(pending.substring(0, bar));
    char op = pending.charAt(bar + 1);
    return new PendingWrite<>(
        key, op == 'D' ? null : decodeValue(pending.substring(bar + 2)), sequence);
  }

  // --- the flusher's side ---

  @Override
  public @Nullable WriteBatch<K, V> takeBatch(int maxBatch, long maxDelayNanos)
      throws InterruptedException {
    while (true) {
      boolean anyOwned = false;
      for (int i = 0; i < partitions.length; i++) {
        StreamPartition partition = partitions[(cursor + i) % partitions.length];
        String lease = partition.validLease();
        if (lease == null) {
          continue;
        }
        anyOwned = true;
        Batch<K, V> batch = take(partition, lease, maxBatch);
        if (batch != null) {
          cursor = (partition.number + 1) % partitions.length;
          inFlight = batch;
          return batch;
        }
      }
      if (closed && (!anyOwned || allOwnedEmpty())) {
        return null;
      }
      lock.lock();
      try {
        if (!wakeUp) {
          work.awaitNanos(Math.min(pollNanos, Math.max(1, maxDelayNanos)));
        }
        wakeUp = false;
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean allOwnedEmpty() {
    for (StreamPartition partition : partitions) {
      if (partition.validLease() != null && commands.await(redis.xlen(partition.stream)) > 0) {
        return false;
      }
    }
    return true;
  }

  /** Reads one batch of a partition; acks entries that need no write; null when none is due. */
  private @Nullable Batch<K, V> take(StreamPartition partition, String lease, int maxBatch) {
    while (true) {
      List<Object> reply =
          commands.script(
              WriteQueueScripts.TAKE,
              new String[] {partition.stream, partition.pending, partition.lease},
              lease,
              GROUP,
              nodeId,
              Integer.toString(maxBatch));
      if ((Long) reply.get(0) < 0) {
        loseLease(partition, lease);
        return null;
      }
      List<?> entries = (List<?>) reply.get(1);
      if (entries.isEmpty()) {
        return null;
      }
      Batch<K, V> batch = toBatch(partition, lease, entries);
      if (!batch.writes().isEmpty()) {
        return batch;
      }
      ack(batch, false, "");
    }
  }

  private Batch<K, V> toBatch(StreamPartition partition, String lease, List<?> entries) {
    List<String> ids = new ArrayList<>(entries.size());
    Map<String, PendingWrite<K, V>> newest = new LinkedHashMap<>();
    Map<String, String> keySequences = new HashMap<>();
    for (Object item : entries) {
      List<?> entry = (List<?>) item;
      String id = (String) entry.get(0);
      ids.add(id);
      String encodedKey = (String) entry.get(1);
      if (encodedKey.isEmpty()) {
        continue; // deleted from the stream already: only the ack is missing
      }
      String op = (String) entry.get(2);
      String sequenceText = (String) entry.get(4);
      String current = (String) entry.get(5);
      keySequences.merge(encodedKey, sequenceText, StreamWriteQueue::newer);
      try {
        long sequence = parseSequence(sequenceText);
        if (!current.isEmpty()
            && parseSequence(current.substring(0, current.indexOf('|'))) > sequence) {
          continue; // a newer write of the key waits later in the stream
        }
        K key = keyCodec.decode(encodedKey);
        V value = op.equals("D") ? null : decodeValue((String) entry.get(3));
        PendingWrite<K, V> write = new PendingWrite<>(key, value, sequence);
        PendingWrite<K, V> before = newest.get(encodedKey);
        if (before == null || before.sequence() < sequence) {
          newest.remove(encodedKey);
          newest.put(encodedKey, write);
        }
      } catch (RuntimeException e) {
        deadLetters.incrementAndGet();
        LOG.error(
            "write-behind queue '{}': dropping undecodable entry {} of partition {} to its"
                + " dead-letter stream: {}",
            name,
            id,
            partition.number,
            e.toString());
        ackUndecodable(partition, lease, id, e);
      }
    }
    return new Batch<>(partition, lease, List.copyOf(newest.values()), ids, keySequences);
  }

  private static String newer(String a, String b) {
    return parseSequence(a) >= parseSequence(b) ? a : b;
  }

  private void ackUndecodable(StreamPartition partition, String lease, String id, Exception e) {
    Batch<K, V> single = new Batch<>(partition, lease, List.of(), List.of(id), Map.of());
    ack(single, true, "undecodable entry: " + e);
  }

  @Override
  public void completeBatch(WriteBatch<K, V> batch, Outcome outcome, @Nullable Throwable error) {
    Batch<K, V> ours = (Batch<K, V>) batch;
    if (outcome == Outcome.ABANDONED) {
      return; // stays pending in the group; the next owner claims it
    }
    inFlight = null;
    if (outcome == Outcome.DEAD_LETTERED) {
      deadLetters.addAndGet(ours.ids().size());
    }
    ack(ours, outcome == Outcome.DEAD_LETTERED, error == null ? "" : String.valueOf(error));
  }

  private void ack(Batch<K, V> batch, boolean dead, String error) {
    StreamPartition partition = batch.partition();
    List<String> args = new ArrayList<>();
    args.add(batch.leaseValue());
    args.add(GROUP);
    args.add(dead ? "1" : "0");
    args.add(error.length() > 2000 ? error.substring(0, 2000) : error);
    args.add(Integer.toString(batch.ids().size()));
    args.addAll(batch.ids());
    args.add(Integer.toString(batch.keySequences().size()));
    batch
        .keySequences()
        .forEach(
            (key, seq) -> {
              args.add(key);
              args.add(seq);
            });
    List<Object> reply =
        commands.script(
            WriteQueueScripts.ACK,
            new String[] {
              partition.stream, partition.pending, partition.lease, partition.deadLetters
            },
            args.toArray(new String[0]));
    if ((Long) reply.get(0) < 0) {
      loseLease(partition, batch.leaseValue());
      throw new IllegalStateException(
          "write-behind queue '"
              + name
              + "': lost the lease of partition "
              + partition.number
              + " before acknowledging a batch; the new owner writes it again");
    }
  }

  private void loseLease(StreamPartition partition, String lease) {
    if (lease.equals(partition.leaseValue)) {
      partition.leaseValue = null;
      lostLeases.incrementAndGet();
      LOG.warn(
          "write-behind queue '{}': partition {} is owned by another node now",
          name,
          partition.number);
    }
  }

  // --- flush and close ---

  @Override
  public long requestFlush() {
    String[] targets = new String[partitions.length];
    for (int i = 0; i < partitions.length; i++) {
      List<StreamMessage<String, String>> last =
          commands.await(redis.xrevrange(partitions[i].stream, Range.unbounded(), Limit.from(1)));
      targets[i] = last.isEmpty() ? null : last.get(0).getId();
    }
    long token = flushTokens.incrementAndGet();
    flushTargets.put(token, targets);
    signal();
    return token;
  }

  @Override
  public boolean awaitDone(long target, long timeoutNanos) throws InterruptedException {
    String[] targets = flushTargets.get(target);
    if (targets == null) {
      return true;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      boolean done = true;
      for (int i = 0; i < partitions.length && done; i++) {
        if (targets[i] == null) {
          continue;
        }
        List<StreamMessage<String, String>> first =
            commands.await(redis.xrange(partitions[i].stream, Range.unbounded(), Limit.from(1)));
        done = first.isEmpty() || StreamCommands.compareIds(first.get(0).getId(), targets[i]) > 0;
      }
      if (done) {
        flushTargets.remove(target);
        return true;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(remaining, Math.min(pollNanos, 10_000_000L)));
    }
  }

  @Override
  public void close() {
    closed = true;
    signal();
  }

  @Override
  public void release() {
    if (released) {
      return;
    }
    released = true;
    closed = true;
    leaseThread.shutdownNow();
    if (inFlight != null) {
      return; // an abandoned batch: let the lease expire rather than hand it over mid-write
    }
    for (StreamPartition partition : partitions) {
      String lease = partition.leaseValue;
      if (lease != null) {
        partition.leaseValue = null;
        try {
          commands.script(WriteQueueScripts.RELEASE, new String[] {partition.lease}, lease);
        } catch (RuntimeException e) {
          LOG.warn(
              "write-behind queue '{}': could not release partition {}", name, partition.number);
        }
      }
    }
  }

  @Override
  public List<PendingWrite<K, V>> unwritten() {
    Batch<K, V> batch = inFlight;
    return batch == null ? List.of() : batch.writes();
  }

  @Override
  public int depth() {
    long sum = 0;
    for (StreamPartition partition : partitions) {
      sum += partition.lag;
    }
    return (int) Math.min(Integer.MAX_VALUE, sum);
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public RedisWriteQueueStats stats() {
    long pending = 0;
    long oldest = 0;
    long now = System.currentTimeMillis();
    List<Long> lags = new ArrayList<>(partitions.length);
    int owned = 0;
    for (StreamPartition partition : partitions) {
      pending += partition.lag;
      lags.add(partition.lag);
      if (partition.lag > 0 && partition.oldestMillis > 0) {
        oldest = Math.max(oldest, now - partition.oldestMillis);
      }
      if (partition.validLease() != null) {
        owned++;
      }
    }
    return new RedisWriteQueueStats(
        pending,
        oldest,
        lags,
        owned,
        ownerChanges.get(),
        claimed.get(),
        deadLetters.get(),
        lostLeases.get());
  }

  // --- leases ---

  private void renewLeases() {
    if (released) {
      return;
    }
    for (StreamPartition partition : partitions) {
      long started = System.nanoTime();
      try {
        boolean renewOnly = closed;
        List<Object> reply =
            commands.script(
                WriteQueueScripts.ACQUIRE,
                new String[] {partition.lease, partition.fence, partition.stream},
                nodeId,
                Long.toString(leaseMillis),
                GROUP,
                nodeId,
                renewOnly ? "1" : "0");
        if (reply.isEmpty()) {
          String had = partition.leaseValue;
          if (had != null) {
            loseLease(partition, had);
          }
        } else {
          String value = nodeId + "|" + reply.get(0);
          if ((Long) reply.get(1) == 1) {
            ownerChanges.incrementAndGet();
            claimed.addAndGet((Long) reply.get(2));
            LOG.info(
                "write-behind queue '{}': node {} owns partition {} (token {}, {} entries claimed)",
                name,
                nodeId,
                partition.number,
                reply.get(0),
                reply.get(2));
            signal();
          }
          partition.validUntilNanos = started + TimeUnit.MILLISECONDS.toNanos(leaseMillis) * 9 / 10;
          partition.leaseValue = value;
        }
        refreshLag(partition);
      } catch (RuntimeException e) {
        LOG.debug("write-behind queue '{}': lease renewal failed: {}", name, e.toString());
      }
    }
  }

  private void refreshLag(StreamPartition partition) {
    partition.lag = commands.await(redis.xlen(partition.stream));
    List<StreamMessage<String, String>> first =
        commands.await(redis.xrange(partition.stream, Range.unbounded(), Limit.from(1)));
    partition.oldestMillis =
        first.isEmpty() ? 0 : Long.parseLong(first.get(0).getId().split("-", 2)[0]);
  }

  // --- plumbing ---

  private StreamPartition partitionOf(String encodedKey) {
    int h = encodedKey.hashCode();
    return partitions[Math.floorMod(h ^ (h >>> 16), partitions.length)];
  }

  private void signal() {
    lock.lock();
    try {
      wakeUp = true;
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private V decodeValue(String base64) {
    byte[] bytes = Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
    return valueCodec.decode(bytes, 0, bytes.length);
  }

  private static long parseSequence(String text) {
    long sequence = Long.parseLong(text);
    if (sequence <= 0) {
      throw new IllegalArgumentException("sequence must be positive but was " + text);
    }
    return sequence;
  }
}
