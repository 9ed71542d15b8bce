package dev.strata.cache.redis.internal;

import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The two connections of an invalidation bus: one that holds the subscriptions and one that
 * publishes.
 *
 * @param pubSub the subscribing connection
 * @param publish the publishing connection
 * @param <K> the channel type
 * @param <V> the message type
 */
public record BusConnections<K, V>(
    StatefulRedisPubSubConnection<K, V> pubSub, RedisConnection<K, V> publish) {

  /**
   * Opens both connections, closing the first if the second cannot be opened.
   *
   * @param connector the connector to open them with
   * @param codec the codec of channels and messages
   * @param <K> the channel type
   * @param <V> the message type
   * @return the connections
   * @throws RuntimeException Lettuce's exception if Redis cannot be reached
   */
  public static <K, V> BusConnections<K, V> open(RedisConnector connector, RedisCodec<K, V> codec) {
    StatefulRedisPubSubConnection<K, V> pubSub = connector.connectPubSub(codec);
    try {
      return new BusConnections<>(pubSub, connector.connect(codec));
    } catch (RuntimeException e) {
      pubSub.close();
      throw e;
    }
  }
}
