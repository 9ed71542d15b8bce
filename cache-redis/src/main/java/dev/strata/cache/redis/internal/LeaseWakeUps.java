package dev.strata.cache.redis.internal;

import dev.strata.redis.RedisConnector;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the callers of one process that wait for another caller's fill lease, when the lease's end
 * is announced on the cache's lease channel ({@code <keyPrefix>:l:<cache>}, published by the fill,
 * release and tombstone scripts of {@link LeasedFillScripts}): a fill landed ({@code 'F'}), the
 * lease was given back ({@code 'R'}) or an invalidation replaced it ({@code 'T'}). One pub/sub
 * connection per cache; the waiters of a key are futures in a map, so no thread is parked per
 * waiter.
 *
 * <p>Notifications only shorten waits: a waiter also looks at its key again after a bounded pause,
 * so a lost message, a subscription that is down or a peer that does not publish (an older version)
 * costs latency, never correctness. Thread-safe.
 */
public final class LeaseWakeUps implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseWakeUps.class);

  /** The event of a fill that landed. */
  public static final byte FILLED = 'F';

  /** The event of a lease given back without a fill. */
  public static final byte RELEASED = 'R';

  /** The event of a lease replaced by an invalidation's tombstone. */
  public static final byte TOMBSTONED = 'T';

  /** Completes a wait whose pause ran out without an announcement. */
  public static final byte NONE = 0;

  private static final LeaseWakeUps NO_NOTIFICATIONS = new LeaseWakeUps(null, new byte[0]);

  private final @Nullable StatefulRedisPubSubConnection<byte[], byte[]> connection;
  private final byte[] channel;
  private final Map<ByteBuffer, Set<CompletableFuture<Byte>>> waiters = new ConcurrentHashMap<>();
  private final AtomicBoolean subscribed = new AtomicBoolean();

  private LeaseWakeUps(
      @Nullable StatefulRedisPubSubConnection<byte[], byte[]> connection, byte[] channel) {
    this.connection = connection;
    this.channel = channel;
  }

  /**
   * Returns wake-ups that never arrive: every waiter finds the lease's end by looking again.
   *
   * @return the shared instance
   */
  public static LeaseWakeUps none() {
    return NO_NOTIFICATIONS;
  }

  /**
   * Opens a pub/sub connection on {@code connector} and subscribes to a cache's lease channel
   * (asynchronously). When the connection cannot be opened, a warning is logged and waiters only
   * look again after their pause.
   *
   * @param connector the cache's connector
   * @param channel the lease channel
   * @param cacheName the cache's name, for log messages
   * @return the wake-ups, which the cache closes
   */
  public static LeaseWakeUps subscribe(RedisConnector connector, String channel, String cacheName) {
    StatefulRedisPubSubConnection<byte[], byte[]> connection;
    try {
      connection = connector.connectPubSub(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      LOG.warn(
          "Redis cache '{}': no pub/sub connection for fill-lease wake-ups ({}); callers waiting"
              + " for another node's fill look again every few milliseconds instead",
          cacheName,
          e.toString());
      return NO_NOTIFICATIONS;
    }
    LeaseWakeUps wakeUps = new LeaseWakeUps(connection, channel.getBytes(StandardCharsets.UTF_8));
    connection.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(byte[] from, byte[] message) {
            wakeUps.onMessage(message);
          }

          @Override
          public void subscribed(byte[] to, long count) {
            wakeUps.subscribed.set(true);
          }
        });
    connection
        .async()
        .subscribe(wakeUps.channel)
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                LOG.warn(
                    "Redis cache '{}': could not subscribe to the fill-lease channel ({});"
                        + " waiters look again every few milliseconds instead",
                    cacheName,
                    error.toString());
              } else {
                wakeUps.subscribed.set(true);
              }
            });
    return wakeUps;
  }

  /**
   * Tells whether announcements arrive now (the channel is subscribed and the connection up).
   *
   * @return true when a waiter may pause longer between its looks
   */
  public boolean active() {
    return subscribed.get() && connection != null && connection.isOpen();
  }

  /**
   * Registers a waiter of a key before it looks at the key again, so that an announcement made
   * after the look is not missed.
   *
   * @param key the Redis key
   * @return a future completed with the event that ended the key's lease; the caller completes it
   *     with {@link #NONE} itself when its pause runs out, and then {@link #unregister}s it
   */
  public CompletableFuture<Byte> register(byte[] key) {
    CompletableFuture<Byte> waiter = new CompletableFuture<>();
    if (connection == null) {
      return waiter;
    }
    waiters.compute(
        ByteBuffer.wrap(key),
        (k, set) -> {
          Set<CompletableFuture<Byte>> s = set == null ? ConcurrentHashMap.newKeySet() : set;
          s.add(waiter);
          return s;
        });
    return waiter;
  }

  /**
   * Forgets a waiter whose wait ended.
   *
   * @param key the Redis key
   * @param waiter what {@link #register} returned
   */
  public void unregister(byte[] key, CompletableFuture<Byte> waiter) {
    if (connection == null) {
      return;
    }
    waiters.computeIfPresent(
        ByteBuffer.wrap(key),
        (k, set) -> {
          set.remove(waiter);
          return set.isEmpty() ? null : set;
        });
  }

  /**
   * Returns the number of keys with registered waiters (for tests).
   *
   * @return the count
   */
  int waitingKeys() {
    return waiters.size();
  }

  private void onMessage(byte[] message) {
    if (message.length < 2) {
      return;
    }
    Set<CompletableFuture<Byte>> woken =
        waiters.remove(ByteBuffer.wrap(Arrays.copyOfRange(message, 1, message.length)));
    if (woken != null) {
      Byte event = message[0];
      woken.forEach(w -> w.complete(event));
    }
  }

  /** Closes the pub/sub connection; idempotent. */
  @Override
  public void close() {
    if (connection != null) {
      subscribed.set(false);
      connection.closeAsync();
    }
  }
}
