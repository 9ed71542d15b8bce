package dev.strata.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

class JsonAttributeCodecTest {

  public record Cart(List<String> items, int total) {}

  public record Profile(String name) {}

  private final JsonAttributeCodec codec =
      JsonAttributeCodec.builder()
          .attributeType("cart", Cart.class)
          .allowType("profile", Profile.class)
          .build();

  @Test
  void roundTripsStringsBytesRegisteredAllowedAndNaturalValues() {
    assertThat(roundTrip("s", "héllo")).isEqualTo("héllo");
    assertThat((byte[]) roundTrip("b", new byte[] {0, -1, 7})).containsExactly(0, -1, 7);
    assertThat(roundTrip("cart", new Cart(List.of("a", "b"), 2)))
        .isEqualTo(new Cart(List.of("a", "b"), 2));
    assertThat(roundTrip("anyName", new Profile("ann"))).isEqualTo(new Profile("ann"));
    assertThat(roundTrip("n", 42L)).isEqualTo(42L);
    assertThat(roundTrip("i", 42)).isEqualTo(42);
    assertThat(roundTrip("d", 1.5)).isEqualTo(1.5);
    assertThat(roundTrip("f", Boolean.TRUE)).isEqualTo(true);
    assertThat(roundTrip("m", Map.of("k", List.of(1, "x"))))
        .isEqualTo(Map.of("k", List.of(1, "x")));
  }

  @Test
  void refusesUnregisteredTypesWithAMessageSayingHowToRegister() {
    assertThatThrownBy(() -> codec.encode("thing", new StringBuilder("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attribute 'thing'")
        .hasMessageContaining("java.lang.StringBuilder")
        .hasMessageContaining("attributeType(");
    assertThatThrownBy(() -> codec.encode("cart", new Profile("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registered with type");
  }

  @Test
  void neverInstantiatesATypeNamedByTheStoredBytes() {
    byte[] hostile =
        "tjava.lang.ProcessBuilder\n{\"command\":[\"id\"]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode("x", hostile))
        .isInstanceOf(AttributeDecodingException.class)
        .hasMessageContaining("not on the allow-list");
    // Untagged JSON for an unregistered attribute only ever becomes maps, lists and scalars.
    byte[] typed = "j{\"@class\":\"java.lang.ProcessBuilder\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(codec.decode("x", typed)).isInstanceOf(Map.class);
  }

  @Test
  void corruptBytesRaiseAttributeDecodingException() {
    for (String corrupt : new String[] {"", "j{not json", "zzz", "tprofile", "tprofile\n[1,2]"}) {
      byte[] bytes = corrupt.getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> codec.decode("cart", bytes))
          .as(corrupt)
          .isInstanceOf(AttributeDecodingException.class)
          .hasMessageContaining("attribute 'cart'");
    }
    byte[] wrongShape =
        "j{\"items\":\"notalist\",\"total\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode("cart", wrongShape))
        .isInstanceOf(AttributeDecodingException.class);
  }

  @Test
  void builderRejectsBadTagsNamingThem() {
    assertThatThrownBy(() -> JsonAttributeCodec.builder().allowType("", Profile.class).build())
        .hasMessageContaining("allowType tag");
    assertThatThrownBy(() -> JsonAttributeCodec.builder().allowType("a\nb", Profile.class).build())
        .hasMessageContaining("allowType tag");
    assertThatThrownBy(
            () ->
                JsonAttributeCodec.builder()
                    .allowType("p1", Profile.class)
                    .allowType("p2", Profile.class)
                    .build())
        .hasMessageContaining("has two tags");
  }

  private Object roundTrip(String name, Object value) {
    return codec.decode(name, codec.encode(name, value));
  }

  @Test
  void registeredGenericTypesCheckElementsAndKeepThem() {
    JsonAttributeCodec typed =
        JsonAttributeCodec.builder()
            .attributeType("ids", new TypeReference<List<Long>>() {})
            .build();
    assertThatThrownBy(() -> typed.encode("ids", List.of(1, 2)))
        .hasMessageContaining("attribute 'ids' is registered with type")
        .hasMessageContaining("java.lang.Integer");
    Object back = typed.decode("ids", typed.encode("ids", List.of(1L, 2L)));
    assertThat(back).isEqualTo(List.of(1L, 2L));
    assertThat(((List<?>) back).get(0)).isInstanceOf(Long.class);
  }

  @Test
  void naturalValuesMustComeBackWithTheirTypes() {
    assertThat(codec.decode("m", codec.encode("m", Map.of("a", List.of(1, 2.5, "x", true)))))
        .isEqualTo(Map.of("a", List.of(1, 2.5, "x", true)));
    assertThatThrownBy(() -> codec.encode("m", Map.of(1, "x")))
        .hasMessageContaining("attribute 'm'")
        .hasMessageContaining("it holds a java.lang.Integer");
    assertThatThrownBy(() -> codec.encode("m", List.of(List.of(new Profile("p")))))
        .hasMessageContaining(Profile.class.getName());
  }
}
