package dev.strata.session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default {@link AttributeCodec}: strings and byte arrays are stored as they are, everything
 * else as JSON through Jackson, with the Java type decided by this codec's configuration and never
 * by the stored bytes.
 *
 * <p>A JSON value is decoded into a type in one of three ways:
 *
 * <ul>
 *   <li>the attribute name is registered with {@link Builder#attributeType(String, Class)}, or with
 *       a full generic type through {@link Builder#attributeType(String, TypeReference)} or {@link
 *       Builder#attributeType(String, JavaType)} ({@code Set<String>}, {@code List<Long>}, {@code
 *       Map<String, Item>}): always that type, checked when the value is set;
 *   <li>the value's class is allowed with {@link Builder#allowType(String, Class)}: the stored
 *       bytes carry the short tag, and only tags on this allow-list are accepted when reading;
 *       {@code Boolean}, {@code Integer}, {@code Long}, {@code Double}, {@code BigDecimal} and
 *       {@code BigInteger} are allowed by default;
 *   <li>a {@link Map} with string keys or a {@link List} with no registration, holding only values
 *       that JSON gives back with the same type ({@code String}, {@code Boolean}, {@code Integer},
 *       {@code Double}, and such maps and lists): read back as {@code LinkedHashMap} / {@code
 *       ArrayList}.
 * </ul>
 *
 * Any other value is refused when it is set, with a message saying how to register it: a {@code
 * Set}, a {@code List<Long>} or an object nested in a collection would otherwise come back as a
 * list, as integers or as a map, and fail in the application on every later request. Stored bytes
 * of an unknown format or tag, or JSON that does not fit the type, raise {@link
 * AttributeDecodingException}.
 *
 * <p>Layout of the stored bytes: one format byte ({@code s} UTF-8 string, {@code b} raw bytes,
 * {@code j} untagged JSON, {@code t} tagged JSON: tag, a newline, then JSON) and the payload.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonAttributeCodec implements AttributeCodec {

  private static final byte STRING = 's';
  private static final byte BYTES = 'b';
  private static final byte JSON = 'j';
  private static final byte TAGGED_JSON = 't';

  private final ObjectMapper mapper;
  private final Map<String, ObjectReader> readersByAttribute;
  private final Map<String, JavaType> typesByAttribute;
  private final Map<String, ObjectReader> readersByTag;
  private final Map<Class<?>, byte[]> tagPrefixByType;
  private final ObjectReader naturalReader;

  private JsonAttributeCodec(Builder builder) {
    this.mapper = builder.mapper;
    Map<String, JavaType> types = new HashMap<>();
    Map<String, ObjectReader> byAttribute = new HashMap<>();
    builder.typesByAttribute.forEach(
        (name, type) -> {
          JavaType javaType =
              type instanceof JavaType j
                  ? j
                  : type instanceof TypeReference<?> ref
                      ? mapper.getTypeFactory().constructType(ref)
                      : mapper.getTypeFactory().constructType((Class<?>) type);
          types.put(name, javaType);
          byAttribute.put(name, mapper.readerFor(javaType));
        });
    this.typesByAttribute = Map.copyOf(types);
    this.readersByAttribute = Map.copyOf(byAttribute);
    Map<String, ObjectReader> byTag = new HashMap<>();
    Map<Class<?>, byte[]> prefixes = new HashMap<>();
    builder.typesByTag.forEach(
        (tag, type) -> {
          byTag.put(tag, mapper.readerFor(type));
          byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
          byte[] prefix = new byte[tagBytes.length + 2];
          prefix[0] = TAGGED_JSON;
          System.arraycopy(tagBytes, 0, prefix, 1, tagBytes.length);
          prefix[prefix.length - 1] = '\n';
          prefixes.put(type, prefix);
        });
    this.readersByTag = Map.copyOf(byTag);
    this.tagPrefixByType = Map.copyOf(prefixes);
    this.naturalReader = mapper.readerFor(Object.class);
  }

  /**
   * Returns a codec with default settings: a plain {@link JsonMapper}, no registered attributes,
   * only the default allowed types.
   *
   * @return a shared-safe codec
   */
  public static JsonAttributeCodec defaults() {
    return builder().build();
  }

  /**
   * Starts a builder.
   *
   * @return a new builder with the default allowed number and boolean types
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public byte[] encode(String attributeName, Object value) {
    Objects.requireNonNull(value, "value must not be null");
    if (value instanceof String s) {
      return withFormat(STRING, s.getBytes(StandardCharsets.UTF_8));
    }
    if (value instanceof byte[] bytes) {
      return withFormat(BYTES, bytes);
    }
    JavaType registered = typesByAttribute.get(attributeName);
    if (registered != null) {
      checkRegistered(attributeName, registered, value, 0);
      return withFormat(JSON, write(attributeName, value));
    }
    byte[] tagPrefix = tagPrefixByType.get(value.getClass());
    if (tagPrefix != null) {
      byte[] json = write(attributeName, value);
      byte[] out = Arrays.copyOf(tagPrefix, tagPrefix.length + json.length);
      System.arraycopy(json, 0, out, tagPrefix.length, json.length);
      return out;
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      checkNatural(attributeName, value, value, new IdentityHashMap<>(), 0);
      return withFormat(JSON, write(attributeName, value));
    }
    throw unregistered(attributeName, value, value);
  }

  /** Checks that an unregistered map or list holds only values JSON gives back with their type. */
  private static void checkNatural(
      String attributeName,
      Object root,
      Object value,
      IdentityHashMap<Object, Boolean> seen,
      int depth) {
    if (value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Double) {
      return;
    }
    if (depth > 100 || seen.put(value, Boolean.TRUE) != null) {
      throw new IllegalArgumentException(
          "attribute '" + attributeName + "' is nested too deeply or refers to itself");
    }
    if (value instanceof List<?> list) {
      for (Object element : list) {
        if (element != null) {
          checkNatural(attributeName, root, element, seen, depth + 1);
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw unregistered(attributeName, root, e.getKey());
        }
        if (e.getValue() != null) {
          checkNatural(attributeName, root, e.getValue(), seen, depth + 1);
        }
      }
    } else {
      throw unregistered(attributeName, root, value);
    }
    seen.remove(value);
  }

  private static IllegalArgumentException unregistered(
      String attributeName, Object value, Object offending) {
    String where = value == offending ? "" : " (it holds a " + offending.getClass().getName() + ")";
    return new IllegalArgumentException(
        "attribute '"
            + attributeName
            + "' has type "
            + value.getClass().getName()
            + where
            + " which would not come back from JSON with the same type; register its full type"
            + " with attributeType(\""
            + attributeName
            + "\", new TypeReference<...>() {}) or a class with allowType(\"tag\", "
            + offending.getClass().getSimpleName()
            + ".class)");
  }

  /** Checks a value (and the elements of collections, maps and arrays) against its registration. */
  private static void checkRegistered(
      String attributeName, JavaType type, Object value, int depth) {
    if (!type.getRawClass().isInstance(value) && !boxed(type.getRawClass()).isInstance(value)) {
      throw new IllegalArgumentException(
          "attribute '"
              + attributeName
              + "' is registered with type "
              + type.toCanonical()
              + " but "
              + (depth == 0 ? "the value" : "an element of the value")
              + " has type "
              + value.getClass().getName());
    }
    if (depth > 3) {
      return;
    }
    JavaType content = type.getContentType();
    if (content == null || content.getRawClass() == Object.class) {
      return;
    }
    if (value instanceof Collection<?> c) {
      for (Object element : c) {
        if (element != null) {
          checkRegistered(attributeName, content, element, depth + 1);
        }
      }
    } else if (value instanceof Map<?, ?> m) {
      for (Object element : m.values()) {
        if (element != null) {
          checkRegistered(attributeName, content, element, depth + 1);
        }
      }
    }
  }

  private static Class<?> boxed(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    return java.lang.invoke.MethodType.methodType(type).wrap().returnType();
  }

  @Override
  public Object decode(String attributeName, byte[] bytes) {
    if (bytes.length == 0) {
      throw new AttributeDecodingException(
          "attribute '" + attributeName + "' is stored as zero bytes", null);
    }
    try {
      switch (bytes[0]) {
        case STRING:
          return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
        case BYTES:
          return Arrays.copyOfRange(bytes, 1, bytes.length);
        case JSON:
          {
            ObjectReader reader = readersByAttribute.getOrDefault(attributeName, naturalReader);
            return nonNull(attributeName, reader.readValue(bytes, 1, bytes.length - 1));
          }
        case TAGGED_JSON:
          return decodeTagged(attributeName, bytes);
        default:
          throw new AttributeDecodingException(
              "attribute '"
                  + attributeName
                  + "' has unknown format byte 0x"
                  + Integer.toHexString(bytes[0] & 0xff),
              null);
      }
    } catch (JacksonException e) {
      throw new AttributeDecodingException(
          "attribute '"
              + attributeName
              + "' is not valid JSON for its type: "
              + e.getOriginalMessage(),
          e);
    }
  }

  private Object decodeTagged(String attributeName, byte[] bytes) {
    int newline = -1;
    for (int i = 1; i < bytes.length && i < 257; i++) {
      if (bytes[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      throw new AttributeDecodingException(
          "attribute '" + attributeName + "' has a tagged value without a tag terminator", null);
    }
    String tag = new String(bytes, 1, newline - 1, StandardCharsets.UTF_8);
    ObjectReader reader = readersByTag.get(tag);
    if (reader == null) {
      throw new AttributeDecodingException(
          "attribute '"
              + attributeName
              + "' has type tag '"
              + truncate(tag)
              + "' which is not on the allow-list",
          null);
    }
    return nonNull(attributeName, reader.readValue(bytes, newline + 1, bytes.length - newline - 1));
  }

  private static Object nonNull(String attributeName, @Nullable Object value) {
    if (value == null) {
      throw new AttributeDecodingException(
          "attribute '" + attributeName + "' decodes to JSON null", null);
    }
    return value;
  }

  private byte[] write(String attributeName, Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "attribute '"
              + attributeName
              + "' of type "
              + value.getClass().getName()
              + " cannot be written as JSON: "
              + e.getOriginalMessage(),
          e);
    }
  }

  private static byte[] withFormat(byte format, byte[] payload) {
    byte[] out = new byte[payload.length + 1];
    out[0] = format;
    System.arraycopy(payload, 0, out, 1, payload.length);
    return out;
  }

  private static String truncate(String tag) {
    return tag.length() <= 40 ? tag : tag.substring(0, 40) + "...";
  }

  /** Builds a {@link JsonAttributeCodec}. Not thread-safe; the built codec is. */
  public static final class Builder {

    private ObjectMapper mapper = JsonMapper.builder().build();
    private final Map<String, Object> typesByAttribute = new LinkedHashMap<>();
    private final Map<String, Class<?>> typesByTag = new LinkedHashMap<>();

    private Builder() {
      typesByTag.put("bool", Boolean.class);
      typesByTag.put("int", Integer.class);
      typesByTag.put("long", Long.class);
      typesByTag.put("double", Double.class);
      typesByTag.put("decimal", java.math.BigDecimal.class);
      typesByTag.put("bigint", java.math.BigInteger.class);
    }

    /**
     * Uses a configured Jackson mapper (modules, naming). Do not enable default typing on it: the
     * type of a value must come from this codec's registrations.
     *
     * @param mapper the mapper
     * @return this builder
     */
    public Builder mapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
      return this;
    }

    /**
     * Stores the attribute {@code name} as JSON of {@code type} and always reads it back as that
     * type.
     *
     * @param name the attribute name
     * @param type the value type
     * @return this builder
     */
    public Builder attributeType(String name, Class<?> type) {
      typesByAttribute.put(
          Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(type));
      return this;
    }

    /**
     * Stores the attribute {@code name} as JSON of a generic type and always reads it back as that
     * type, for example {@code attributeType("roles", new TypeReference<Set<String>>() {})}. Values
     * and their elements are checked against the type when set.
     *
     * @param name the attribute name
     * @param type the full value type
     * @return this builder
     */
    public Builder attributeType(String name, TypeReference<?> type) {
      typesByAttribute.put(
          Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(type));
      return this;
    }

    /**
     * Stores the attribute {@code name} as JSON of a Jackson type and always reads it back as that
     * type (see {@link #attributeType(String, TypeReference)}).
     *
     * @param name the attribute name
     * @param type the full value type, made by the mapper's type factory
     * @return this builder
     */
    public Builder attributeType(String name, JavaType type) {
      typesByAttribute.put(
          Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(type));
      return this;
    }

    /**
     * Allows values of exactly {@code type} under any attribute name, stored with {@code tag} so
     * they can be read back; only allowed tags are ever instantiated.
     *
     * @param tag a short stable name, 1 to 255 characters, no newline
     * @param type the value type
     * @return this builder
     */
    public Builder allowType(String tag, Class<?> type) {
      typesByTag.put(
          Objects.requireNonNull(tag, "tag must not be null"),
          Objects.requireNonNull(type, "type must not be null"));
      return this;
    }

    /**
     * Builds the codec.
     *
     * @return the codec
     * @throws IllegalArgumentException if a tag is empty, too long or contains a newline, or one
     *     type has two tags
     */
    public JsonAttributeCodec build() {
      Map<Class<?>, String> seen = new HashMap<>();
      typesByTag.forEach(
          (tag, type) -> {
            int length = tag.getBytes(StandardCharsets.UTF_8).length;
            if (length == 0 || length > 255 || tag.indexOf('\n') >= 0) {
              throw new IllegalArgumentException(
                  "allowType tag must be 1 to 255 bytes without newline but was '" + tag + "'");
            }
            String previous = seen.put(type, tag);
            if (previous != null) {
              throw new IllegalArgumentException(
                  "allowType type "
                      + type.getName()
                      + " has two tags: '"
                      + previous
                      + "' and '"
                      + tag
                      + "'");
            }
          });
      typesByAttribute.forEach(
          (name, type) -> {
            if (name.isEmpty()) {
              throw new IllegalArgumentException("attributeType name must not be empty");
            }
          });
      return new JsonAttributeCodec(this);
    }
  }
}
