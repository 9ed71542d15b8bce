package dev.strata.cache.redis;

import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link ValueCodec} that stores values as JSON through Jackson 3, typed by a {@link Class} or a
 * {@link TypeReference} (for generic types such as {@code List<User>}).
 *
 * <p>Jackson is an optional dependency of this module: this class is only loaded when an
 * application uses it, and then {@code tools.jackson.core:jackson-databind} must be on the class
 * path. Decoding reads only the configured type, so bytes from Redis can never choose which class
 * gets instantiated (unless the given mapper enables polymorphic default typing, which it should
 * not). The JSON literal {@code null} and malformed JSON are rejected as corrupt.
 *
 * <p>Thread-safe and immutable.
 *
 * @param <V> the value type
 */
public final class JsonValueCodec<V> implements ValueCodec<V> {

  private static final ObjectMapper DEFAULT_MAPPER = JsonMapper.builder().build();

  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final String typeName;

  private JsonValueCodec(ObjectMapper mapper, JavaType type) {
    this.reader = mapper.readerFor(type);
    this.writer = mapper.writerFor(type);
    this.typeName = type.toString();
  }

  /**
   * Returns a codec of {@code type} with a default {@link JsonMapper}.
   *
   * @param type the value class; not null
   * @param <V> the value type
   * @return the codec
   * @throws NullPointerException if {@code type} is null
   */
  public static <V> JsonValueCodec<V> of(Class<V> type) {
    return of(DEFAULT_MAPPER, type);
  }

  /**
   * Returns a codec of a generic type with a default {@link JsonMapper}.
   *
   * @param type the value type, e.g. {@code new TypeReference<List<User>>() {}}; not null
   * @param <V> the value type
   * @return the codec
   * @throws NullPointerException if {@code type} is null
   */
  public static <V> JsonValueCodec<V> of(TypeReference<V> type) {
    return of(DEFAULT_MAPPER, type);
  }

  /**
   * Returns a codec of {@code type} with the given mapper (for custom modules or features).
   *
   * @param mapper the mapper; not null
   * @param type the value class; not null
   * @param <V> the value type
   * @return the codec
   * @throws NullPointerException if an argument is null
   */
  public static <V> JsonValueCodec<V> of(ObjectMapper mapper, Class<V> type) {
    Objects.requireNonNull(mapper, "mapper must not be null");
    Objects.requireNonNull(type, "type must not be null");
    return new JsonValueCodec<>(mapper, mapper.constructType(type));
  }

  /**
   * Returns a codec of a generic type with the given mapper.
   *
   * @param mapper the mapper; not null
   * @param type the value type; not null
   * @param <V> the value type
   * @return the codec
   * @throws NullPointerException if an argument is null
   */
  public static <V> JsonValueCodec<V> of(ObjectMapper mapper, TypeReference<V> type) {
    Objects.requireNonNull(mapper, "mapper must not be null");
    Objects.requireNonNull(type, "type must not be null");
    return new JsonValueCodec<>(mapper, mapper.constructType(type));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if Jackson cannot write the value as {@code V}
   */
  @Override
  public byte[] encode(V value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "cannot encode a " + value.getClass().getName() + " as JSON of " + typeName, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the bytes are not JSON of {@code V}, or are JSON {@code
   *     null}
   */
  @Override
  public V decode(byte[] bytes, int offset, int length) {
    V value;
    try {
      value = reader.readValue(bytes, offset, length);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "cannot decode " + length + " bytes as JSON of " + typeName + ": " + e.getMessage(), e);
    }
    if (value == null) {
      throw new IllegalArgumentException("JSON null is not a valid " + typeName);
    }
    return value;
  }

  @Override
  public String toString() {
    return "JsonValueCodec[" + typeName + "]";
  }
}
