package dev.strata.boot.cache;

import dev.strata.cache.redis.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

/**
 * Stores any value of a trusted class as JSON with its class name in front, so a Spring cache of
 * {@code Object} values reads back the type it stored. The class named by the stored bytes is
 * untrusted: only classes of trusted packages are ever loaded; any other name, or JSON that does
 * not fit, is rejected with an {@link IllegalArgumentException} (the cache then counts a corrupt
 * entry and treats it as a miss). Lists and sets whose elements share one class keep that element
 * class. No Java native serialization. Thread-safe.
 *
 * <p>Layout: {@code n} alone for a cached null; otherwise {@code j}, the class name (with {@code
 * <element class>} for a homogeneous list or set), a newline and the JSON.
 */
final class TypedJsonValueCodec implements ValueCodec<Object> {

  private final ObjectMapper mapper;
  private final List<String> trustedPrefixes;
  private final ClassLoader classLoader;

  TypedJsonValueCodec(ObjectMapper mapper, List<String> trustedPackages, ClassLoader classLoader) {
    this.mapper = mapper;
    List<String> prefixes =
        new ArrayList<>(List.of("java.lang.", "java.util.", "java.time.", "java.math."));
    for (String p : trustedPackages) {
      prefixes.add(p.endsWith(".") ? p : p + ".");
    }
    this.trustedPrefixes = List.copyOf(prefixes);
    this.classLoader = classLoader;
  }

  @Override
  public byte[] encode(Object value) {
    if (value == NullValueMarker.INSTANCE) {
      return new byte[] {'n'};
    }
    String typeName = value.getClass().getName();
    if (typeName.startsWith("java.util.")) {
      // JDK collections (immutable ones included) are read back as their plain mutable kind
      if (value instanceof List) {
        typeName = ArrayList.class.getName();
      } else if (value instanceof Set) {
        typeName = LinkedHashSet.class.getName();
      } else if (value instanceof Map) {
        typeName = LinkedHashMap.class.getName();
      }
    }
    if (value instanceof Collection<?> c && (value instanceof List || value instanceof Set)) {
      Class<?> element = commonElementClass(c);
      if (element != null) {
        typeName = typeName + "<" + element.getName() + ">";
      }
    }
    byte[] json;
    try {
      json = mapper.writeValueAsBytes(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot store a value of type " + value.getClass().getName() + " as JSON", e);
    }
    byte[] head = ("j" + typeName + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + json.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(json, 0, out, head.length, json.length);
    return out;
  }

  @Override
  public Object decode(byte[] bytes, int offset, int length) {
    if (length == 1 && bytes[offset] == 'n') {
      return NullValueMarker.INSTANCE;
    }
    if (length < 3 || bytes[offset] != 'j') {
      throw new IllegalArgumentException("not a Strata cache value (unknown format)");
    }
    int end = offset + length;
    int newline = -1;
    for (int i = offset + 1; i < end && i < offset + 1024; i++) {
      if (bytes[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      throw new IllegalArgumentException("not a Strata cache value (no type name)");
    }
    String typeName = new String(bytes, offset + 1, newline - offset - 1, StandardCharsets.UTF_8);
    JavaType type = resolve(typeName);
    try {
      return mapper.readValue(bytes, newline + 1, end - newline - 1, type);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("stored JSON does not fit " + typeName, e);
    }
  }

  private JavaType resolve(String typeName) {
    int lt = typeName.indexOf('<');
    if (lt < 0) {
      return mapper.constructType(load(typeName));
    }
    if (!typeName.endsWith(">")) {
      throw new IllegalArgumentException("malformed stored type name");
    }
    Class<?> container = load(typeName.substring(0, lt));
    Class<?> element = load(typeName.substring(lt + 1, typeName.length() - 1));
    if (!Collection.class.isAssignableFrom(container)) {
      throw new IllegalArgumentException(
          "stored type " + container.getName() + " is no collection");
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<? extends Collection<?>> collection = (Class) container;
    return mapper.getTypeFactory().constructCollectionType(collection, element);
  }

  private Class<?> load(String name) {
    if (!trusted(name)) {
      throw new IllegalArgumentException(
          "stored type " + name + " is not in a trusted package (strata.cache.trusted-packages)");
    }
    try {
      return Class.forName(name, false, classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("stored type " + name + " is not on the class path", e);
    }
  }

  private boolean trusted(String name) {
    for (String prefix : trustedPrefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable Class<?> commonElementClass(Collection<?> c) {
    Set<Class<?>> classes = new HashSet<>();
    for (Object element : c) {
      if (element == null) {
        return null;
      }
      classes.add(element.getClass());
      if (classes.size() > 1) {
        return null;
      }
    }
    return classes.size() == 1 ? classes.iterator().next() : null;
  }
}
