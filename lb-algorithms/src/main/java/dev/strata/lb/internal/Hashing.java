package dev.strata.lb.internal;

/** 64-bit hashing of keys and endpoint ids, stable across JVMs and releases. */
public final class Hashing {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** The golden-ratio increment used to derive independent hashes from one seed. */
  public static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Hashing() {}

  /** Hashes the characters of a string (FNV-1a over UTF-16 units, then a 64-bit finaliser). */
  public static long hash(CharSequence text) {
    long h = FNV_OFFSET;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      h = (h ^ (c & 0xff)) * FNV_PRIME;
      h = (h ^ (c >>> 8)) * FNV_PRIME;
    }
    return mix(h);
  }

  /** The MurmurHash3 64-bit finaliser: a bijection that spreads every input bit. */
  public static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** Maps a hash uniformly to [0, bound) without division (Lemire's multiply-shift). */
  public static int bounded(long hash, int bound) {
    return (int) (((hash >>> 32) * bound) >>> 32);
  }
}
