package dev.strata.cache.redis.internal;

import dev.strata.cache.redis.ValueCodec;
import java.util.Arrays;

/** Byte arrays stored as they are; both directions copy. */
public enum ByteArrayValueCodec implements ValueCodec<byte[]> {
  /** The only instance. */
  INSTANCE;

  @Override
  public byte[] encode(byte[] value) {
    return value.clone();
  }

  @Override
  public byte[] decode(byte[] bytes, int offset, int length) {
    return Arrays.copyOfRange(bytes, offset, offset + length);
  }

  @Override
  public String toString() {
    return "ValueCodec.bytes()";
  }
}
