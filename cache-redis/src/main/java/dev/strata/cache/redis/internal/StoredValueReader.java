package dev.strata.cache.redis.internal;

import dev.strata.cache.redis.ValueCodec;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Reads stored cache entries with MGET and decodes each value straight from Lettuce's response
 * buffer: no byte array per value and no list of key-value pairs, only the decoded values. The
 * header of {@link StoredValueFormat} is checked in the buffer; the codec's bytes are handed to
 * {@link ValueCodec#decode(byte[], int, int)} from the buffer's own array when it has one, else
 * from one scratch array per MGET that grows to the largest value (a codec keeps no reference to
 * the bytes it decodes). Decoding runs where Lettuce completes the command (its I/O thread).
 *
 * <p>On a Redis Cluster the keys are split per hash slot, one MGET per slot (each routed by its
 * keys' slot), and the answers land at their keys' positions.
 *
 * <p>Thread-safe and stateless; each MGET has its own output.
 */
public final class StoredValueReader {

  /** What an answer array holds for a negative ("absent") entry. */
  public static final Object ABSENT = new Object();

  /** What an answer array holds for bytes that are not a valid entry. */
  public record Corrupt(byte[] stored, String reason) {}

  private StoredValueReader() {}

  /**
   * Sends the MGET (one per slot on a cluster).
   *
   * @param commands the cache's commands (standalone or cluster)
   * @param keys the Redis keys
   * @param codec decodes the values
   * @return a stage completed with one answer per key, in key order: null for a missing key (or one
   *     holding a tombstone or a fill lease), the decoded value, {@link #ABSENT} or a {@link
   *     Corrupt}; completed exceptionally when Redis failed
   */
  public static CompletableFuture<@Nullable Object[]> mget(
      RedisClusterAsyncCommands<byte[], byte[]> commands, byte[][] keys, ValueCodec<?> codec) {
    @Nullable Object[] answers = new Object[keys.length];
    if (!(commands instanceof RedisAdvancedClusterAsyncCommands)) {
      return send(commands, keys, null, answers, codec);
    }
    int[] slots = new int[keys.length];
    boolean oneSlot = true;
    for (int i = 0; i < keys.length; i++) {
      slots[i] = SlotHash.getSlot(keys[i]);
      oneSlot &= slots[i] == slots[0];
    }
    if (oneSlot) {
      return send(commands, keys, null, answers, codec);
    }
    // group positions by slot: sort (slot, position) pairs packed into longs
    long[] bySlot = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      bySlot[i] = ((long) slots[i] << 32) | i;
    }
    Arrays.sort(bySlot);
    CompletableFuture<?>[] parts = new CompletableFuture<?>[keys.length];
    int count = 0;
    for (int start = 0; start < bySlot.length; ) {
      int slot = (int) (bySlot[start] >>> 32);
      int end = start;
      while (end < bySlot.length && (int) (bySlot[end] >>> 32) == slot) {
        end++;
      }
      int[] positions = new int[end - start];
      byte[][] slotKeys = new byte[end - start][];
      for (int j = start; j < end; j++) {
        positions[j - start] = (int) bySlot[j];
        slotKeys[j - start] = keys[positions[j - start]];
      }
      parts[count++] = send(commands, slotKeys, positions, answers, codec);
      start = end;
    }
    return CompletableFuture.allOf(Arrays.copyOf(parts, count)).thenApply(done -> answers);
  }

  private static CompletableFuture<@Nullable Object[]> send(
      RedisClusterAsyncCommands<byte[], byte[]> commands,
      byte[][] keys,
      int @Nullable [] positions,
      Object[] answers,
      ValueCodec<?> codec) {
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKeys(keys);
    return commands
        .dispatch(CommandType.MGET, new DecodingOutput(answers, positions, codec), args)
        .toCompletableFuture();
  }

  /**
   * Classifies and decodes one stored entry from a buffer.
   *
   * @return the value, {@link #ABSENT}, a {@link Corrupt}, or null for a tombstone or a fill lease
   *     (a miss)
   */
  static @Nullable Object read(ByteBuffer buffer, ValueCodec<?> codec, ScratchHolder scratch) {
    int length = buffer.remaining();
    int at = buffer.position();
    if (length < StoredValueFormat.HEADER_BYTES || buffer.get(at) != StoredValueFormat.FORMAT_V1) {
      return corrupt(buffer, "not a Strata cache entry (unknown header)");
    }
    byte kind = buffer.get(at + 1);
    if (kind == StoredValueFormat.KIND_ABSENT && length == StoredValueFormat.HEADER_BYTES) {
      return ABSENT;
    }
    if (kind == StoredValueFormat.KIND_TOMBSTONE || kind == StoredValueFormat.KIND_LEASE) {
      return null;
    }
    int header;
    if (kind == StoredValueFormat.KIND_VALUE) {
      header = StoredValueFormat.HEADER_BYTES;
    } else if (kind == StoredValueFormat.KIND_REFRESHABLE
        && length >= StoredValueFormat.REFRESHABLE_HEADER_BYTES) {
      header = StoredValueFormat.REFRESHABLE_HEADER_BYTES;
    } else {
      return corrupt(buffer, "not a Strata cache entry (unknown header)");
    }
    int payload = length - header;
    try {
      Object value;
      if (buffer.hasArray()) {
        int offset = buffer.arrayOffset() + at + header;
        value = codec.decode(buffer.array(), offset, payload);
      } else {
        byte[] bytes = scratch.array(payload);
        buffer.get(at + header, bytes, 0, payload);
        value = codec.decode(bytes, 0, payload);
      }
      return value != null ? value : corrupt(buffer, "the value codec decoded null");
    } catch (RuntimeException e) {
      return corrupt(buffer, e.toString());
    }
  }

  private static Corrupt corrupt(ByteBuffer buffer, String reason) {
    byte[] stored = new byte[buffer.remaining()];
    buffer.get(buffer.position(), stored);
    return new Corrupt(stored, reason);
  }

  /** One scratch array, grown on demand. */
  static final class ScratchHolder {
    private byte[] bytes = new byte[0];

    byte[] array(int length) {
      if (bytes.length < length) {
        bytes = new byte[Math.max(length, 2 * bytes.length)];
      }
      return bytes;
    }
  }

  /** MGET's array reply, decoded into the answer array as it arrives. */
  private static final class DecodingOutput extends CommandOutput<byte[], byte[], Object[]> {
    private final int @Nullable [] positions;
    private final ValueCodec<?> codec;
    private final ScratchHolder scratch = new ScratchHolder();
    private int next;

    DecodingOutput(Object[] answers, int @Nullable [] positions, ValueCodec<?> codec) {
      super(ByteArrayCodec.INSTANCE, answers);
      this.positions = positions;
      this.codec = codec;
    }

    @Override
    public void set(@Nullable ByteBuffer bytes) {
      int index = next++;
      int at = positions == null ? index : positions[index];
      output[at] = bytes == null ? null : read(bytes, codec, scratch);
    }
  }
}
