package dev.strata.cache.redis;

import dev.strata.cache.invalidation.InvalidationBus;
import dev.strata.cache.invalidation.InvalidationEvent;
import dev.strata.cache.redis.internal.BusConnections;
import dev.strata.cache.redis.internal.DeliveryDelays;
import dev.strata.cache.redis.internal.InvalidationMessageCodec;
import dev.strata.redis.KeyNamespace;
import dev.strata.redis.LogThrottle;
import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisUris;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InvalidationBus} across processes on Redis pub/sub, through Lettuce. Works against a
 * standalone Redis and against Redis Cluster (where a plain {@code PUBLISH} reaches the subscribers
 * of every node).
 *
 * <p><b>Channels.</b> Each cache has its own channel, {@code <keyPrefix>:i:<cacheName>} ({@code
 * strata:i:users} by default, see {@link KeyNamespace}), so a node receives only the events of the
 * caches it subscribed to. The bus opens two connections of its own through a {@link
 * RedisConnector}: a pub/sub connection that holds the subscriptions and a plain one for {@code
 * PUBLISH}; {@link #close()} closes both. The client (or connector) stays the caller's.
 *
 * <p><b>Messages.</b> Events travel in a compact, versioned binary format (magic byte, format
 * version, flags, origin node id, cache name, keys; every length checked). An event with more keys
 * than fit {@code maxMessageBytes} is split over several messages. Received bytes are untrusted: a
 * message that is malformed, too long, or names another cache than its channel's is dropped,
 * counted ({@link #droppedMalformedCount()}) and logged at most once per interval; it never
 * disturbs the listener. A message whose origin is this bus's {@link #nodeId()} is its own echo and
 * is ignored.
 *
 * <p><b>Delivery delay.</b> Messages carry their publish time; see {@link
 * #addDeliveryDelayListener} and, for rolling upgrades, {@link Builder#publishTimestamps(boolean)}.
 *
 * <p><b>Reconnects.</b> Lettuce reconnects a dropped connection by itself and subscribes again.
 * When the bus sees a channel confirmed again after it was confirmed once (or confirmed late, after
 * {@link #subscribe} gave up waiting), events may have been missed, so it calls {@link
 * Subscriber#onGap()} on that channel's subscribers (a two-level cache then clears its L1) and
 * counts a gap. Events published while the publishing connection is down are queued by Lettuce and
 * sent when it is back, as far as the connection policy allows: on a client made from {@link
 * dev.strata.redis.RedisSettings} they fail at once (or when the bounded request queue is full) and
 * are counted as publish failures and by {@link RedisConnector#rejectedCommands()}.
 *
 * <p><b>Threads.</b> Thread-safe. Subscribers are called on a Lettuce I/O thread and must not
 * block; an exception thrown by a subscriber is logged (rate-limited) and does not reach other
 * subscribers or the connection. {@link #publish} never blocks on the network.
 *
 * <pre>{@code
 * RedisInvalidationBus bus = RedisInvalidationBus.builder(redisClient).build();
 * }</pre>
 */
public final class RedisInvalidationBus implements InvalidationBus {

  /** The default channel prefix: the invalidation channels of the default key prefix. */
  public static final String DEFAULT_CHANNEL_PREFIX =
      KeyNamespace.defaults().invalidationChannelPrefix();

  /** The default largest message, in bytes. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(RedisInvalidationBus.class);
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final String nodeId;
  private final String channelPrefix;
  private final Duration subscribeTimeout;
  private final InvalidationMessageCodec codec;
  private final StatefulRedisPubSubConnection<String, byte[]> pubSub;
  private final RedisConnection<String, byte[]> publishConnection;
  private final RedisClusterAsyncCommands<String, byte[]> publisher;
  private final RedisConnector connector;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final Object subscriptionLock = new Object();
  private final LogThrottle malformedLog = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder droppedMalformed = new LongAdder();
  private final LongAdder echoesIgnored = new LongAdder();
  private final LongAdder gaps = new LongAdder();
  private final LongAdder publishFailures = new LongAdder();
  private final DeliveryDelays delays = new DeliveryDelays();
  private final boolean publishTimestamps;
  private volatile boolean closed;

  private RedisInvalidationBus(Builder builder, BusConnections<String, byte[]> connections) {
    this.nodeId = Objects.requireNonNull(builder.nodeId);
    this.channelPrefix = builder.channelPrefix;
    this.subscribeTimeout = builder.subscribeTimeout;
    this.codec = new InvalidationMessageCodec(builder.maxMessageBytes);
    this.pubSub = connections.pubSub();
    this.publishConnection = connections.publish();
    this.publisher = connections.publish().async();
    this.connector = builder.connector;
    this.publishTimestamps = builder.publishTimestamps;
    this.pubSub.addListener(
        new RedisPubSubAdapter<String, byte[]>() {
          @Override
          public void message(String channel, byte[] message) {
            onMessage(channel, message);
          }

          @Override
          public void subscribed(String channel, long count) {
            onSubscribed(channel);
          }
        });
  }

  /**
   * Returns a builder for a bus on a standalone Redis (or one reached through Sentinel).
   *
   * @param client the client to open the bus's connections with; stays owned by the caller
   * @return a new builder
   */
  public static Builder builder(RedisClient client) {
    Objects.requireNonNull(client, "client must not be null");
    return new Builder(RedisConnector.of(client));
  }

  /**
   * Returns a builder for a bus on Redis Cluster.
   *
   * @param client the cluster client to open the bus's connections with; stays owned by the caller
   * @return a new builder
   */
  public static Builder builder(RedisClusterClient client) {
    Objects.requireNonNull(client, "client must not be null");
    return new Builder(RedisConnector.of(client));
  }

  /**
   * Returns a builder for a bus on a connector (standalone or cluster) that the caller owns and may
   * share with other components. Its rejected publishes are counted by the connector.
   *
   * @param connector the connector to open the bus's connections with; stays the caller's
   * @return a new builder
   */
  public static Builder builder(RedisConnector connector) {
    Objects.requireNonNull(connector, "connector must not be null");
    return new Builder(connector);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  /**
   * Returns the channel that carries the events of a cache.
   *
   * @param cacheName the cache's name
   * @return {@code channelPrefix + cacheName}
   */
  public String channel(String cacheName) {
    return channelPrefix + Objects.requireNonNull(cacheName, "cacheName must not be null");
  }

  /**
   * {@inheritDoc}
   *
   * <p>Encodes the event (splitting it if it has more keys than fit one message) and sends it with
   * {@code PUBLISH} without waiting. A failed send is counted ({@link #publishFailureCount()}) and
   * logged at a limited rate, never thrown.
   *
   * @throws IllegalStateException if the bus is closed
   * @throws IllegalArgumentException if the origin id or cache name cannot be encoded (too long)
   */
  @Override
  public void publish(InvalidationEvent event) {
    Objects.requireNonNull(event, "event must not be null");
    if (closed) {
      throw new IllegalStateException("invalidation bus " + nodeId + " is closed");
    }
    String channel = channel(event.cacheName());
    List<byte[]> messages =
        publishTimestamps ? codec.encode(event, DeliveryDelays.nowMicros()) : codec.encode(event);
    for (byte[] message : messages) {
      sent.increment();
      publisher.publish(channel, message).whenComplete((n, error) -> published(channel, error));
    }
  }

  private void published(String channel, @Nullable Throwable error) {
    if (error == null) {
      return;
    }
    publishFailures.increment();
    connector.countIfRejected(error);
    if (failureLog.permit()) {
      LOG.warn(
          "Could not publish an invalidation on {} ({} similar failures not logged): {}",
          channel,
          failureLog.takeSuppressed(),
          RedisUris.describe(error));
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The first subscriber of a cache makes the bus {@code SUBSCRIBE} to the cache's channel and
   * waits up to {@code subscribeTimeout} for Redis to confirm, so that events published after this
   * returns reach the subscriber. If Redis does not confirm in time the subscription still stands
   * (Lettuce completes it when Redis is back) and the subscriber gets {@link Subscriber#onGap()}
   * once it does.
   *
   * @throws IllegalStateException if the bus is closed
   */
  @Override
  public Subscription subscribe(String cacheName, Subscriber subscriber) {
    Objects.requireNonNull(cacheName, "cacheName must not be null");
    Objects.requireNonNull(subscriber, "subscriber must not be null");
    String name = channel(cacheName);
    Channel channel;
    boolean first;
    synchronized (subscriptionLock) {
      if (closed) {
        throw new IllegalStateException("invalidation bus " + nodeId + " is closed");
      }
      channel = channels.get(name);
      first = channel == null;
      if (first) {
        channel = new Channel(cacheName);
        channels.put(name, channel);
      }
      channel.subscribers.add(subscriber);
    }
    if (first) {
      awaitConfirmation(name, channel);
    }
    Channel subscribed = channel;
    return () -> unsubscribe(name, subscribed, subscriber);
  }

  private void awaitConfirmation(String name, Channel channel) {
    try {
      pubSub
          .async()
          .subscribe(name)
          .toCompletableFuture()
          .get(subscribeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.gaveUpWaiting = true;
    } catch (ExecutionException | TimeoutException e) {
      channel.gaveUpWaiting = true;
      LOG.warn(
          "Subscription to {} not confirmed within {}; events may be missed until it is",
          name,
          subscribeTimeout,
          e);
    }
  }

  private void unsubscribe(String name, Channel channel, Subscriber subscriber) {
    synchronized (subscriptionLock) {
      if (!channel.subscribers.remove(subscriber) || !channel.subscribers.isEmpty()) {
        return;
      }
      channels.remove(name, channel);
      if (!closed) {
        pubSub
            .async()
            .unsubscribe(name)
            .exceptionally(
                error -> {
                  LOG.debug("Could not unsubscribe from {}", name, error);
                  return null;
                });
      }
    }
  }

  /** Closes both connections and drops every subscription; idempotent. */
  @Override
  public void close() {
    synchronized (subscriptionLock) {
      if (closed) {
        return;
      }
      closed = true;
      channels.clear();
    }
    pubSub.close();
    publishConnection.close();
  }

  /**
   * Returns how many messages this bus has published.
   *
   * @return the count since the bus was built
   */
  public long sentCount() {
    return sent.sum();
  }

  /**
   * Returns how many events of other nodes were delivered to subscribers.
   *
   * @return the count since the bus was built
   */
  public long receivedCount() {
    return received.sum();
  }

  /**
   * Returns how many received messages were dropped as malformed.
   *
   * @return the count since the bus was built
   */
  public long droppedMalformedCount() {
    return droppedMalformed.sum();
  }

  /**
   * Returns how many received messages were this node's own echo, and ignored.
   *
   * @return the count since the bus was built
   */
  public long echoIgnoredCount() {
    return echoesIgnored.sum();
  }

  /**
   * Returns how many times subscribers of a channel were told of a gap (after a resubscription).
   *
   * @return the count since the bus was built
   */
  public long gapCount() {
    return gaps.sum();
  }

  /**
   * Returns how many publishes failed.
   *
   * @return the count since the bus was built
   */
  public long publishFailureCount() {
    return publishFailures.sum();
  }

  /**
   * Adds a listener told the delivery delay of every event of another node that carries a publish
   * time (µs since the epoch, publisher's clock), in nanoseconds on this node's clock, after the
   * event was delivered to the subscribers. The delay is exact only as far as the two clocks agree,
   * and negative when the publisher's clock is ahead (clamp as needed). Called on a Lettuce I/O
   * thread: it must be fast and must not block; an exception it throws is logged at a limited rate.
   *
   * @param listener receives each delay in nanoseconds
   * @return a handle whose {@code close()} removes the listener
   */
  public Subscription addDeliveryDelayListener(LongConsumer listener) {
    Runnable remove = delays.add(Objects.requireNonNull(listener, "listener must not be null"));
    return remove::run;
  }

  private void onMessage(String channelName, byte @Nullable [] message) {
    Channel channel = channels.get(channelName);
    if (channel == null) {
      return;
    }
    InvalidationEvent event;
    long publishedAt;
    try {
      if (message == null) {
        throw new IllegalArgumentException("empty message");
      }
      InvalidationMessageCodec.Message decoded = codec.decodeMessage(message);
      event = decoded.event();
      publishedAt = decoded.publishedAtMicros();
      if (!event.cacheName().equals(channel.cacheName)) {
        throw new IllegalArgumentException(
            "message names cache '" + event.cacheName() + "' on the channel of another cache");
      }
    } catch (IllegalArgumentException e) {
      droppedMalformed.increment();
      if (malformedLog.permit()) {
        LOG.warn(
            "Dropped a malformed invalidation message on {}: {} ({} similar not logged)",
            channelName,
            e.getMessage(),
            malformedLog.takeSuppressed());
      }
      return;
    }
    if (event.originId().equals(nodeId)) {
      echoesIgnored.increment();
      return;
    }
    received.increment();
    for (Subscriber subscriber : channel.subscribers) {
      try {
        subscriber.onEvent(event);
      } catch (RuntimeException e) {
        logSubscriberFailure(channelName, e);
      }
    }
    if (publishedAt != InvalidationMessageCodec.NO_TIME) {
      delays.delivered(publishedAt, e -> logSubscriberFailure(channelName, e));
    }
  }

  private void onSubscribed(String channelName) {
    Channel channel = channels.get(channelName);
    if (channel == null) {
      return;
    }
    boolean gap = channel.confirmed || channel.gaveUpWaiting;
    channel.confirmed = true;
    channel.gaveUpWaiting = false;
    if (!gap) {
      return;
    }
    gaps.increment();
    LOG.info(
        "Resubscribed to {}; telling subscribers that events may have been missed", channelName);
    for (Subscriber subscriber : channel.subscribers) {
      try {
        subscriber.onGap();
      } catch (RuntimeException e) {
        logSubscriberFailure(channelName, e);
      }
    }
  }

  private void logSubscriberFailure(String channelName, RuntimeException e) {
    if (failureLog.permit()) {
      LOG.warn(
          "An invalidation subscriber of {} failed ({} similar failures not logged)",
          channelName,
          failureLog.takeSuppressed(),
          e);
    }
  }

  @Override
  public String toString() {
    return "RedisInvalidationBus{nodeId=" + nodeId + ", channelPrefix=" + channelPrefix + '}';
  }

  /** The subscribers of one channel and whether Redis has confirmed it. */
  private static final class Channel {
    final String cacheName;
    final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    volatile boolean confirmed;
    volatile boolean gaveUpWaiting;

    Channel(String cacheName) {
      this.cacheName = cacheName;
    }
  }

  /**
   * Builds a {@link RedisInvalidationBus}. Not thread-safe; validated in {@link #build()}, which
   * also opens the connections.
   */
  public static final class Builder {
    private final RedisConnector connector;
    private @Nullable String nodeId;
    private String channelPrefix = DEFAULT_CHANNEL_PREFIX;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private Duration subscribeTimeout = Duration.ofSeconds(5);
    private boolean publishTimestamps = true;

    private Builder(RedisConnector connector) {
      this.connector = connector;
    }

    /**
     * Sets the id of this node, carried in every message it publishes so that it can ignore its own
     * echo. Every bus of a process-wide deployment must have a different id.
     *
     * @param nodeId 1 to 255 UTF-8 bytes; defaults to a random UUID
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Sets the application's key prefix: the channel of a cache is then {@code
     * <keyPrefix>:i:<cacheName>} ({@link KeyNamespace#invalidationChannel}).
     *
     * @param keyPrefix 1 to 100 of {@code A-Z a-z 0-9 . _ : -}; defaults to {@code strata}
     * @return this builder
     * @throws IllegalArgumentException naming {@code keyPrefix} and its value if it is invalid
     */
    public Builder keyPrefix(String keyPrefix) {
      this.channelPrefix = KeyNamespace.of(keyPrefix).invalidationChannelPrefix();
      return this;
    }

    /**
     * Sets the prefix of channel names verbatim; the channel of a cache is the prefix plus the
     * cache name. Prefer {@link #keyPrefix(String)}, which keeps the channels in the layout of
     * {@link KeyNamespace}.
     *
     * @param channelPrefix any string, possibly empty; defaults to {@code strata:i:}
     * @return this builder
     */
    public Builder channelPrefix(String channelPrefix) {
      this.channelPrefix = channelPrefix;
      return this;
    }

    /**
     * Sets the largest message sent or accepted. Longer received messages are dropped as malformed;
     * events with more keys are split.
     *
     * @param maxMessageBytes between 512 and 512 MiB; defaults to 64 KiB
     * @return this builder
     */
    public Builder maxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * Sets how long {@link RedisInvalidationBus#subscribe} waits for Redis to confirm a new
     * channel.
     *
     * @param subscribeTimeout positive; defaults to 5 seconds
     * @return this builder
     */
    public Builder subscribeTimeout(Duration subscribeTimeout) {
      this.subscribeTimeout = subscribeTimeout;
      return this;
    }

    /**
     * Sets whether messages carry their publish time (format version 2, for the delivery delay);
     * turn it off only while nodes of a release that cannot read it run (they drop such messages).
     *
     * @param publishTimestamps defaults to {@code true}
     * @return this builder
     */
    public Builder publishTimestamps(boolean publishTimestamps) {
      this.publishTimestamps = publishTimestamps;
      return this;
    }

    /**
     * Validates the settings, opens the bus's two connections and returns the bus.
     *
     * @return the bus, ready to publish and subscribe
     * @throws IllegalArgumentException naming the setting that is out of range
     * @throws NullPointerException if a setting was set to null
     * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached
     */
    public RedisInvalidationBus build() {
      if (nodeId == null) {
        nodeId = UUID.randomUUID().toString();
      }
      int nodeIdBytes = nodeId.getBytes(StandardCharsets.UTF_8).length;
      if (nodeIdBytes == 0 || nodeIdBytes > 255) {
        throw new IllegalArgumentException(
            "nodeId must be 1 to 255 UTF-8 bytes but was '" + nodeId + "'");
      }
      Objects.requireNonNull(channelPrefix, "channelPrefix must not be null");
      if (maxMessageBytes < 512 || maxMessageBytes > 512 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxMessageBytes must be between 512 and 536870912 but was " + maxMessageBytes);
      }
      Objects.requireNonNull(subscribeTimeout, "subscribeTimeout must not be null");
      if (subscribeTimeout.isZero() || subscribeTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "subscribeTimeout must be positive but was " + subscribeTimeout);
      }
      return new RedisInvalidationBus(this, BusConnections.open(connector, CODEC));
    }
  }
}
