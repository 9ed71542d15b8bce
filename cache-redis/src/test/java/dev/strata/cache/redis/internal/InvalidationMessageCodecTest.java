package dev.strata.cache.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.invalidation.InvalidationEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InvalidationMessageCodecTest {

  private final InvalidationMessageCodec codec = new InvalidationMessageCodec(1024);

  @Test
  void roundTripsKeysIncludingEmptyAndNonAsciiOnes() {
    InvalidationEvent event =
        InvalidationEvent.keys("users", List.of("42", "", "Zoë:ключ"), "node-1");

    List<byte[]> messages = codec.encode(event);

    assertThat(messages).hasSize(1);
    assertThat(codec.decode(messages.get(0))).isEqualTo(event);
  }

  @Test
  void roundTripsAnAllEvent() {
    InvalidationEvent event = InvalidationEvent.all("users", "node-1");

    assertThat(codec.decode(codec.encode(event).get(0))).isEqualTo(event);
  }

  @Test
  void version2CarriesThePublishTimeAndVersion1None() {
    InvalidationEvent event = InvalidationEvent.keys("users", List.of("42"), "node-1");

    byte[] timed = codec.encode(event, 1_700_000_000_123_456L).get(0);
    byte[] untimed = codec.encode(event).get(0);

    assertThat(timed[1]).isEqualTo((byte) 2);
    assertThat(timed).hasSize(untimed.length + 8);
    assertThat(codec.decodeMessage(timed))
        .isEqualTo(new InvalidationMessageCodec.Message(event, 1_700_000_000_123_456L));
    assertThat(untimed[1]).isEqualTo((byte) 1);
    assertThat(codec.decodeMessage(untimed).publishedAtMicros())
        .isEqualTo(InvalidationMessageCodec.NO_TIME);
  }

  @Test
  void rejectsANegativePublishTime() {
    byte[] timed = codec.encode(InvalidationEvent.all("users", "n"), 5).get(0);
    timed[3] = (byte) 0x80; // the sign bit of the u64 after magic, version, flags

    assertThatThrownBy(() -> codec.decode(timed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative publish time");
  }

  @Test
  void writesTheDocumentedLayout() {
    byte[] message = codec.encode(InvalidationEvent.keys("c", List.of("k"), "n")).get(0);

    assertThat(message).containsExactly(0x53, 1, 0, 1, 'n', 0, 1, 'c', 0, 0, 0, 1, 0, 0, 0, 1, 'k');
  }

  @Test
  void splitsAnEventWithManyKeysOverMessagesThatEachFit() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      keys.add("key-" + i);
    }

    List<byte[]> messages = codec.encode(InvalidationEvent.keys("users", keys, "node-1"));

    assertThat(messages).hasSizeGreaterThan(1);
    List<String> decoded = new ArrayList<>();
    for (byte[] message : messages) {
      assertThat(message.length).isLessThanOrEqualTo(1024);
      decoded.addAll(codec.decode(message).keys());
    }
    assertThat(decoded).isEqualTo(keys);
  }

  @Test
  void widensAnEventWithAKeyTooLargeForAnyMessageToAll() {
    String huge = "x".repeat(2000);

    List<byte[]> messages = codec.encode(InvalidationEvent.keys("users", List.of("a", huge), "n"));

    assertThat(messages).hasSize(1);
    assertThat(codec.decode(messages.get(0))).isEqualTo(InvalidationEvent.all("users", "n"));
  }

  @Test
  void rejectsAnOriginIdTooLongToEncode() {
    assertThatThrownBy(() -> codec.encode(InvalidationEvent.all("users", "o".repeat(256))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("originId");
  }

  @Test
  void rejectsEachKindOfMalformedMessage() {
    byte[] good = codec.encode(InvalidationEvent.keys("c", List.of("k"), "n")).get(0);

    assertMalformed(new byte[0], "truncated");
    assertMalformed(with(good, 0, (byte) 0x54), "magic");
    assertMalformed(with(good, 1, (byte) 2), "version");
    assertMalformed(with(good, 2, (byte) 4), "flags");
    assertMalformed(with(good, 3, (byte) 0), "origin id length");
    assertMalformed(with(good, 3, (byte) 200), "origin id length");
    assertMalformed(with(good, 6, (byte) 90), "cache name length");
    assertMalformed(with(good, 8, (byte) 0x7f), "key count");
    assertMalformed(with(good, 11, (byte) 0), "key count 0");
    assertMalformed(with(good, 12, (byte) 0x80), "key length");
    assertMalformed(Arrays.copyOf(good, good.length - 1), "key length");
    assertMalformed(Arrays.copyOf(good, good.length + 1), "trailing");
    assertMalformed(with(good, 16, (byte) 0xff), "UTF-8");
    assertMalformed(new byte[1025], "exceeds maxMessageBytes");
  }

  @Test
  void rejectsAnAllMessageThatListsKeys() {
    byte[] good = codec.encode(InvalidationEvent.keys("c", List.of("k"), "n")).get(0);

    assertMalformed(with(good, 2, (byte) 1), "trailing");
  }

  @Test
  void randomBytesAreRejectedWithIllegalArgumentExceptionOnly() {
    Random random = new Random(42);
    byte[] good = codec.encode(InvalidationEvent.keys("users", List.of("a", "b"), "n")).get(0);
    for (int i = 0; i < 20_000; i++) {
      byte[] message;
      if (i % 2 == 0) {
        message = new byte[random.nextInt(64)];
        random.nextBytes(message);
      } else {
        message = good.clone();
        message[random.nextInt(message.length)] = (byte) random.nextInt(256);
      }
      try {
        InvalidationEvent event = codec.decode(message);
        assertThat(event.cacheName()).isNotEmpty();
      } catch (IllegalArgumentException expected) {
        // malformed: the only failure decode may report
      }
    }
  }

  @Test
  void neverAllocatesForAKeyCountLargerThanTheMessage() {
    ByteBuffer message = ByteBuffer.allocate(4 + 1 + 2 + 1 + 4);
    message.put((byte) 0x53).put((byte) 1).put((byte) 0).put((byte) 1).put((byte) 'n');
    message.putShort((short) 1).put("c".getBytes(StandardCharsets.UTF_8)).putInt(Integer.MAX_VALUE);

    assertMalformed(message.array(), "key count");
  }

  private void assertMalformed(byte[] message, String reason) {
    assertThatThrownBy(() -> codec.decode(message))
        .as(reason)
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] with(byte[] message, int index, byte value) {
    byte[] copy = message.clone();
    copy[index] = value;
    return copy;
  }
}
