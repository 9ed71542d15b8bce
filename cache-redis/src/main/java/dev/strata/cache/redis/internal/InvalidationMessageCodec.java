package dev.strata.cache.redis.internal;

import dev.strata.cache.invalidation.InvalidationEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Encodes {@link InvalidationEvent}s into the compact binary messages that travel on Redis pub/sub,
 * and decodes such messages defensively.
 *
 * <p>Layout (integers big-endian, strings UTF-8):
 *
 * <pre>
 *   u8   magic 0x53 ('S')
 *   u8   format version, 1 or 2
 *   u8   flags: bit 0 set = every key of the cache; the other bits are 0
 *   version 2 only:
 *     u64  publish time, microseconds since the epoch on the publisher's clock
 *   u8   origin id length O (1..255), then O bytes
 *   u16  cache name length N (1..65535), then N bytes
 *   when bit 0 is clear:
 *     u32  key count C (at least 1)
 *     C times: u32 key length L, then L bytes
 *   nothing else: trailing bytes make the message malformed
 * </pre>
 *
 * <p>Decoding checks every length against the bytes that remain, rejects invalid UTF-8, unknown
 * versions and flags, and messages longer than the configured maximum, throwing {@link
 * IllegalArgumentException}; it never allocates more than the message's own size. Stateless and
 * thread-safe.
 *
 * <p>Version 2 adds the publish time, from which a receiver measures the delivery delay. Both
 * versions are read; {@link #encode(InvalidationEvent)} writes version 1 (what releases before the
 * publish time could read) and {@link #encode(InvalidationEvent, long)} version 2.
 */
public final class InvalidationMessageCodec {

  /** The first byte of every message. */
  static final byte MAGIC = 0x53;

  /** The format version without a publish time. */
  static final byte VERSION = 1;

  /** The format version with a publish time. */
  static final byte VERSION_TIMED = 2;

  /** The publish time of a message that carries none. */
  public static final long NO_TIME = -1;

  /**
   * A decoded message.
   *
   * @param event the event
   * @param publishedAtMicros the publish time in microseconds since the epoch on the publisher's
   *     clock, or {@link #NO_TIME} for a version-1 message
   */
  public record Message(InvalidationEvent event, long publishedAtMicros) {}

  private static final byte FLAG_ALL = 0x01;
  private static final int HEADER_FIXED_BYTES = 4 + 2; // magic, version, flags, origin len, name
  private static final int TIME_BYTES = 8;
  private static final int KEY_COUNT_BYTES = 4;
  private static final int KEY_LENGTH_BYTES = 4;

  private final int maxMessageBytes;

  /**
   * Creates a codec.
   *
   * @param maxMessageBytes the largest message written or accepted, in bytes
   */
  public InvalidationMessageCodec(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * Encodes an event into one or more messages, each at most the maximum size. An event for many
   * keys is split over several messages; a key too large to fit any message is widened to an event
   * for every key of the cache (over-invalidating is safe, not invalidating is not).
   *
   * @param event the event
   * @return the messages, at least one
   * @throws IllegalArgumentException if the origin id is longer than 255 bytes or the cache name
   *     longer than 65535 bytes, or the header alone exceeds the maximum size
   */
  public List<byte[]> encode(InvalidationEvent event) {
    return encode(event, NO_TIME);
  }

  /**
   * Encodes an event as {@link #encode(InvalidationEvent)} does, in version 2 with its publish time
   * when {@code publishedAtMicros} is not negative (version 1 otherwise).
   *
   * @param event the event
   * @param publishedAtMicros microseconds since the epoch, or a negative number for none
   * @return the messages, at least one
   * @throws IllegalArgumentException as {@link #encode(InvalidationEvent)}
   */
  public List<byte[]> encode(InvalidationEvent event, long publishedAtMicros) {
    long time = publishedAtMicros < 0 ? NO_TIME : publishedAtMicros;
    byte[] origin = event.originId().getBytes(StandardCharsets.UTF_8);
    byte[] cache = event.cacheName().getBytes(StandardCharsets.UTF_8);
    if (origin.length > 255) {
      throw new IllegalArgumentException(
          "originId must be at most 255 UTF-8 bytes but was " + origin.length);
    }
    if (cache.length > 65535) {
      throw new IllegalArgumentException(
          "cacheName must be at most 65535 UTF-8 bytes but was " + cache.length);
    }
    int header =
        HEADER_FIXED_BYTES + (time == NO_TIME ? 0 : TIME_BYTES) + origin.length + cache.length;
    if (header + KEY_COUNT_BYTES + KEY_LENGTH_BYTES + 1 > maxMessageBytes) {
      throw new IllegalArgumentException(
          "an invalidation message header of "
              + header
              + " bytes does not fit maxMessageBytes "
              + maxMessageBytes);
    }
    if (event.all()) {
      return List.of(write(origin, cache, time, null, 0, 0, header));
    }
    List<byte[]> keys = new ArrayList<>(event.keys().size());
    for (String key : event.keys()) {
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      if (header + KEY_COUNT_BYTES + KEY_LENGTH_BYTES + bytes.length > maxMessageBytes) {
        return List.of(write(origin, cache, time, null, 0, 0, header));
      }
      keys.add(bytes);
    }
    List<byte[]> messages = new ArrayList<>(1);
    int from = 0;
    while (from < keys.size()) {
      int size = header + KEY_COUNT_BYTES;
      int to = from;
      while (to < keys.size() && size + KEY_LENGTH_BYTES + keys.get(to).length <= maxMessageBytes) {
        size += KEY_LENGTH_BYTES + keys.get(to).length;
        to++;
      }
      messages.add(write(origin, cache, time, keys, from, to, size));
      from = to;
    }
    return messages;
  }

  private static byte[] write(
      byte[] origin,
      byte[] cache,
      long time,
      @Nullable List<byte[]> keys,
      int from,
      int to,
      int size) {
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.put(MAGIC).put(time == NO_TIME ? VERSION : VERSION_TIMED);
    buffer.put(keys == null ? FLAG_ALL : 0);
    if (time != NO_TIME) {
      buffer.putLong(time);
    }
    buffer.put((byte) origin.length).put(origin);
    buffer.putShort((short) cache.length).put(cache);
    if (keys != null) {
      buffer.putInt(to - from);
      for (int i = from; i < to; i++) {
        byte[] key = keys.get(i);
        buffer.putInt(key.length).put(key);
      }
    }
    return buffer.array();
  }

  /**
   * Decodes a message.
   *
   * @param message bytes received from the channel; untrusted
   * @return the event
   * @throws IllegalArgumentException if the message is malformed in any way, with the reason
   */
  public InvalidationEvent decode(byte[] message) {
    return decodeMessage(message).event();
  }

  /**
   * Decodes a message with its publish time.
   *
   * @param message bytes received from the channel; untrusted
   * @return the event and its publish time ({@link #NO_TIME} for a version-1 message)
   * @throws IllegalArgumentException if the message is malformed in any way, with the reason
   */
  public Message decodeMessage(byte[] message) {
    if (message.length > maxMessageBytes) {
      throw new IllegalArgumentException(
          "message of " + message.length + " bytes exceeds maxMessageBytes " + maxMessageBytes);
    }
    ByteBuffer buffer = ByteBuffer.wrap(message);
    try {
      if (buffer.get() != MAGIC) {
        throw new IllegalArgumentException("bad magic byte");
      }
      byte version = buffer.get();
      if (version != VERSION && version != VERSION_TIMED) {
        throw new IllegalArgumentException("unsupported format version " + version);
      }
      byte flags = buffer.get();
      if ((flags & ~FLAG_ALL) != 0) {
        throw new IllegalArgumentException("unknown flags " + flags);
      }
      long time = NO_TIME;
      if (version == VERSION_TIMED) {
        time = buffer.getLong();
        if (time < 0) {
          throw new IllegalArgumentException("negative publish time " + time);
        }
      }
      CharsetDecoder utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      String origin = readString(buffer, Byte.toUnsignedInt(buffer.get()), 1, utf8, "origin id");
      String cache =
          readString(buffer, Short.toUnsignedInt(buffer.getShort()), 1, utf8, "cache name");
      InvalidationEvent event;
      if ((flags & FLAG_ALL) != 0) {
        event = InvalidationEvent.all(cache, origin);
      } else {
        long count = Integer.toUnsignedLong(buffer.getInt());
        if (count == 0 || count > buffer.remaining() / KEY_LENGTH_BYTES) {
          throw new IllegalArgumentException("key count " + count + " does not fit the message");
        }
        List<String> keys = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
          keys.add(readString(buffer, buffer.getInt(), 0, utf8, "key"));
        }
        event = InvalidationEvent.keys(cache, keys, origin);
      }
      if (buffer.hasRemaining()) {
        throw new IllegalArgumentException(buffer.remaining() + " trailing bytes");
      }
      return new Message(event, time);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("message truncated", e);
    }
  }

  private static String readString(
      ByteBuffer buffer, int length, int minLength, CharsetDecoder utf8, String what) {
    if (length < minLength || length > buffer.remaining()) {
      throw new IllegalArgumentException(
          what + " length " + Integer.toUnsignedLong(length) + " does not fit the message");
    }
    ByteBuffer slice = buffer.slice();
    slice.limit(length);
    buffer.position(buffer.position() + length);
    try {
      CharBuffer chars = utf8.reset().decode(slice);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is not valid UTF-8", e);
    }
  }
}
