package dev.strata.session.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIdGeneratorTest {

  private final SessionIdGenerator generator = new SessionIdGenerator();

  @Test
  void generatedIdsAre43UrlSafeCharactersDecodingTo32BytesAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = generator.generate();
      assertThat(id).hasSize(43).matches("[A-Za-z0-9_-]+");
      assertThat(Base64.getUrlDecoder().decode(id)).hasSize(32);
      assertThat(SessionIdGenerator.isWellFormed(id)).isTrue();
      seen.add(id);
    }
    assertThat(seen).hasSize(1000);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        " ",
        "abc",
        // 42 and 44 characters
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        // standard base64 characters that are not URL-safe
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+A",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/A",
        // padding, spaces, non-ASCII, a key-breaking brace
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA A",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAéA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}A",
        // last character with non-zero low bits does not decode canonically to 32 bytes
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
        // a container-style hex id
        "0123456789ABCDEF0123456789ABCDEF"
      })
  void malformedIdsAreRejected(String candidate) {
    assertThat(SessionIdGenerator.isWellFormed(candidate)).isFalse();
  }

  @Test
  void idsInSlotHashToThatSlotAndStayWellFormedAndDistinct() {
    SessionIdGenerator seeded = new SessionIdGenerator(seeded(42));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String original = seeded.generate();
      int slot = SlotHash.getSlot("strata:s:{" + original + "}");
      assertThat(SessionIdGenerator.slotOf(original)).isEqualTo(slot);
      String rotated = seeded.generateInSlot(slot);
      assertThat(SessionIdGenerator.isWellFormed(rotated)).isTrue();
      assertThat(SlotHash.getSlot("strata:s:{" + rotated + "}")).isEqualTo(slot);
      assertThat(rotated.substring(0, 40)).isNotEqualTo(original.substring(0, 40));
      seen.add(rotated);
    }
    assertThat(seen).hasSize(200);
  }

  @Test
  void fingerprintIsShortStableAndDoesNotContainTheId() {
    String id = generator.generate();
    String fingerprint = SessionIdFingerprint.of(id);
    assertThat(fingerprint).hasSize(16).isEqualTo(SessionIdFingerprint.of(id));
    assertThat(id).doesNotContain(fingerprint);
    assertThat(SessionIdFingerprint.of(generator.generate())).isNotEqualTo(fingerprint);
  }

  private static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
