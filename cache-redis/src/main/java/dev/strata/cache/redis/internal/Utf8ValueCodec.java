package dev.strata.cache.redis.internal;

import dev.strata.cache.redis.ValueCodec;
import java.nio.charset.StandardCharsets;

/** Strings as UTF-8. */
public enum Utf8ValueCodec implements ValueCodec<String> {
  /** The only instance. */
  INSTANCE;

  @Override
  public byte[] encode(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(byte[] bytes, int offset, int length) {
    return new String(bytes, offset, length, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ValueCodec.utf8()";
  }
}
