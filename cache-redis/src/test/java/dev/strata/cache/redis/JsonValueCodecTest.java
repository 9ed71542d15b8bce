package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

class JsonValueCodecTest {

  record Order(String id, List<Line> lines) {}

  record Line(String sku, int quantity) {}

  record Exploding(String value) {
    @Override
    public String value() {
      throw new IllegalStateException("cannot read value");
    }
  }

  private static byte[] framed(String json) {
    return ("..." + json).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripsATypedValueFromASliceOfTheStoredBytes() {
    JsonValueCodec<Order> codec = JsonValueCodec.of(Order.class);
    Order order = new Order("o-1", List.of(new Line("apple", 3)));

    byte[] json = codec.encode(order);
    byte[] stored = new byte[json.length + 3];
    System.arraycopy(json, 0, stored, 3, json.length);

    assertThat(codec.decode(stored, 3, json.length)).isEqualTo(order);
  }

  @Test
  void roundTripsGenericTypesThroughATypeReference() {
    JsonValueCodec<Map<String, List<Line>>> codec =
        JsonValueCodec.of(new TypeReference<Map<String, List<Line>>>() {});
    Map<String, List<Line>> value = Map.of("a", List.of(new Line("pear", 1)));

    byte[] json = codec.encode(value);

    assertThat(codec.decode(json, 0, json.length)).isEqualTo(value);
    assertThat(codec.decode(json, 0, json.length).get("a").get(0)).isInstanceOf(Line.class);
  }

  @Test
  void usesTheGivenMapper() {
    JsonValueCodec<Line> codec = JsonValueCodec.of(JsonMapper.builder().build(), Line.class);

    assertThat(new String(codec.encode(new Line("fig", 2)), StandardCharsets.UTF_8))
        .isEqualTo("{\"sku\":\"fig\",\"quantity\":2}");
  }

  @Test
  void malformedJsonWrongShapesAndJsonNullAreRejectedAsIllegalArguments() {
    JsonValueCodec<Line> codec = JsonValueCodec.of(Line.class);

    byte[] truncated = framed("{\"sku\":\"fig\",");
    assertThatThrownBy(() -> codec.decode(truncated, 3, truncated.length - 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("as JSON of");
    byte[] wrongShape = framed("[1,2,3]");
    assertThatThrownBy(() -> codec.decode(wrongShape, 3, wrongShape.length - 3))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] jsonNull = framed("null");
    assertThatThrownBy(() -> codec.decode(jsonNull, 3, jsonNull.length - 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON null");
  }

  @Test
  void bytesCannotChooseTheClassThatIsInstantiated() {
    JsonValueCodec<Object> codec = JsonValueCodec.of(Object.class);
    byte[] polymorphic = framed("[\"java.net.URL\",\"http://example.com\"]");

    Object decoded = codec.decode(polymorphic, 3, polymorphic.length - 3);

    assertThat(decoded).isInstanceOf(List.class);
  }

  @Test
  void aValueJacksonCannotWriteIsAnIllegalArgument() {
    JsonValueCodec<Exploding> codec = JsonValueCodec.of(Exploding.class);

    assertThatThrownBy(() -> codec.encode(new Exploding("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot encode a " + Exploding.class.getName());
  }

  @Test
  void theCacheAndTheOtherCodecsLoadWithoutJacksonOnTheClassPath() throws Exception {
    List<URL> withoutJackson = new ArrayList<>();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.contains("jackson")) {
        withoutJackson.add(Path.of(entry).toUri().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(
            withoutJackson.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> loader.loadClass("tools.jackson.databind.ObjectMapper"))
          .isInstanceOf(ClassNotFoundException.class);

      Class.forName(RedisCache.class.getName(), true, loader);
      Class<?> valueCodec = Class.forName(ValueCodec.class.getName(), true, loader);
      Object utf8 = valueCodec.getMethod("utf8").invoke(null);
      byte[] encoded = (byte[]) valueCodec.getMethod("encode", Object.class).invoke(utf8, "é");

      assertThat(encoded).containsExactly("é".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> Class.forName(JsonValueCodec.class.getName(), true, loader))
          .isInstanceOf(NoClassDefFoundError.class);
    }
  }
}
