package dev.strata.cache;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns cache keys into strings and back: for stored keys of shared caches, for versioned keys and
 * for invalidation messages that cross process boundaries.
 *
 * <p>{@code decode(encode(k))} must equal {@code k}, and {@code encode} must be injective (two
 * different keys never give the same string). Implementations must be thread-safe and must reject
 * input they cannot decode with an {@link IllegalArgumentException}; strings to decode may come
 * from untrusted sources.
 *
 * @param <K> the key type
 */
public interface KeyCodec<K> {

  /**
   * Encodes a key.
   *
   * @param key a non-null key
   * @return its string form; never null
   */
  String encode(K key);

  /**
   * Decodes a key.
   *
   * @param encoded a string produced by {@link #encode(Object)}, possibly of another process
   * @return the key
   * @throws IllegalArgumentException if {@code encoded} is not a valid encoding
   */
  K decode(String encoded);

  /**
   * Returns the codec of string keys, which are their own encoding.
   *
   * @return the identity codec
   */
  static KeyCodec<String> string() {
    return of(s -> s, s -> s);
  }

  /**
   * Returns the codec of {@code Long} keys in decimal.
   *
   * @return the codec
   */
  static KeyCodec<Long> longs() {
    return of(
        String::valueOf,
        s -> {
          try {
            return Long.valueOf(s);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a long key: '" + s + "'", e);
          }
        });
  }

  /**
   * Returns the codec of {@code Integer} keys in decimal.
   *
   * @return the codec
   */
  static KeyCodec<Integer> integers() {
    return of(
        String::valueOf,
        s -> {
          try {
            return Integer.valueOf(s);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an int key: '" + s + "'", e);
          }
        });
  }

  /**
   * Returns the codec of {@link UUID} keys in their canonical form.
   *
   * @return the codec
   */
  static KeyCodec<UUID> uuids() {
    return of(UUID::toString, UUID::fromString);
  }

  /**
   * Returns a codec made of two functions.
   *
   * @param encoder turns a key into its string form
   * @param decoder turns the string form back, throwing {@link IllegalArgumentException} on bad
   *     input
   * @param <K> the key type
   * @return the codec
   */
  static <K> KeyCodec<K> of(Function<? super K, String> encoder, Function<String, K> decoder) {
    Objects.requireNonNull(encoder, "encoder must not be null");
    Objects.requireNonNull(decoder, "decoder must not be null");
    return new KeyCodec<>() {
      @Override
      public String encode(K key) {
        return encoder.apply(Objects.requireNonNull(key, "key must not be null"));
      }

      @Override
      public K decode(String encoded) {
        return decoder.apply(Objects.requireNonNull(encoded, "encoded key must not be null"));
      }
    };
  }
}
