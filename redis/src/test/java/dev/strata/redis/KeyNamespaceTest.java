package dev.strata.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyNamespaceTest {

  private final KeyNamespace ns = KeyNamespace.of("app");

  @Test
  void everyComponentHasItsOwnSubSpace() {
    assertThat(ns.cacheKeyPrefix("users")).isEqualTo("app:c:users:");
    assertThat(ns.cacheScanPattern("users")).isEqualTo("app:c:users:*");
    assertThat(ns.sessionKey("abc")).isEqualTo("app:s:{abc}");
    assertThat(ns.principalIndexKey("alice")).isEqualTo("app:s:p:alice");
    assertThat(ns.versionKey("users")).isEqualTo("app:v:users");
    assertThat(ns.writeBehindKeyPrefix("orders")).isEqualTo("app:wb:orders:");
    assertThat(ns.invalidationChannel("users")).isEqualTo("app:i:users");
    assertThat(ns.leaseChannel("users")).isEqualTo("app:l:users");
    assertThat(KeyNamespace.defaults().keyPrefix()).isEqualTo("strata");
  }

  @Test
  void noCacheNameReachesAnotherComponentsKeys() {
    List<String> names = new ArrayList<>(List.of("s", "session", "v", "version", "wb", "i", "c"));
    names.add("p");
    for (String name : names) {
      String cacheSpace = ns.cacheKeyPrefix(name);
      // a cache's keys all start with its prefix; no other component's key does
      assertThat(ns.sessionKey("id")).doesNotStartWith(cacheSpace);
      assertThat(ns.principalIndexKey("x")).doesNotStartWith(cacheSpace);
      assertThat(ns.versionKey("x")).doesNotStartWith(cacheSpace);
      assertThat(ns.writeBehindKeyPrefix("q")).doesNotStartWith(cacheSpace);
      // and another cache's keys never start with it either
      assertThat(ns.cacheKeyPrefix(name + "x")).doesNotStartWith(cacheSpace);
      assertThat(cacheSpace).doesNotStartWith(ns.sessionKeyPrefix());
      assertThat(cacheSpace).doesNotStartWith(ns.versionKeyPrefix());
    }
    // a principal index never looks like a session key, whatever the principal
    assertThat(ns.principalIndexKey("{abc}")).doesNotStartWith("app:s:{");
  }

  @Test
  void badNamesAreRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> ns.cacheKeyPrefix("a:b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cacheName must be 1 to 100 of A-Z a-z 0-9 . _ - (no ':', braces, wildcards or"
                + " spaces) but was 'a:b'");
    assertThatThrownBy(() -> KeyNamespace.requireName("{x}", "name"))
        .hasMessageStartingWith("name must be 1 to 100");
    assertThatThrownBy(() -> KeyNamespace.requireName("a*", "name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyNamespace.requireName("", "name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyNamespace.of("a{b}"))
        .hasMessage(
            "keyPrefix must be 1 to 100 of A-Z a-z 0-9 . _ : - (no braces, wildcards or spaces)"
                + " but was 'a{b}'");
    assertThatThrownBy(() -> KeyNamespace.of("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ns.sessionKey("a}b"))
        .hasMessage("sessionId must be non-empty and free of braces");
    assertThatThrownBy(() -> KeyNamespace.of(null)).hasMessage("keyPrefix must not be null");
    assertThat(KeyNamespace.of("shop:prod").cacheKeyPrefix("u")).isEqualTo("shop:prod:c:u:");
  }
}
