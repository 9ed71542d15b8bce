package dev.strata.lb;

import dev.strata.lb.internal.Hashing;
import dev.strata.lb.internal.IpAddressParser;
import java.net.InetAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a selector may know about a request: nothing ({@link #none()}), a hash key for sticky
 * selectors (session id, user id, header value: {@link #ofHashKey}), or the client's IP address
 * ({@link #ofClientAddress}), which is also its hash key.
 *
 * <p>Immutable and thread-safe. The key's 64-bit hash is computed once, here, so that hashing
 * selectors do no work per character on the select path; a context made once for a client may be
 * reused for all its requests.
 */
public final class RequestContext {

  private static final RequestContext NONE = new RequestContext(null, 0L, false);

  private final @Nullable String hashKey;
  private final long hash;
  private final boolean clientAddress;

  private RequestContext(@Nullable String hashKey, long hash, boolean clientAddress) {
    this.hashKey = hashKey;
    this.hash = hash;
    this.clientAddress = clientAddress;
  }

  /**
   * Returns the context of a request with no key, for non-hashing selectors.
   *
   * @return the shared empty context
   */
  public static RequestContext none() {
    return NONE;
  }

  /**
   * Creates a context whose hash key is the given text; equal texts always map to the same endpoint
   * under an unchanged pool.
   *
   * @param hashKey the key, not null (may be empty)
   * @return a new context
   * @throws NullPointerException if the key is null
   */
  public static RequestContext ofHashKey(String hashKey) {
    Objects.requireNonNull(hashKey, "hashKey must not be null");
    return new RequestContext(hashKey, Hashing.hash(hashKey), false);
  }

  /**
   * Creates a context for a client IP address given as a literal, for {@link Selectors#ipHash()}
   * and the other hashing selectors. The address is parsed, never resolved: IPv4 ({@code
   * 192.0.2.7}), IPv6 ({@code 2001:db8::7}, optionally in brackets or with a zone), and IPv4-mapped
   * IPv6 (which hashes like the IPv4 address).
   *
   * @param address the literal, not null
   * @return a new context
   * @throws IllegalArgumentException if the text is not an IPv4 or IPv6 literal, quoting it
   * @throws NullPointerException if the address is null
   */
  public static RequestContext ofClientAddress(String address) {
    Objects.requireNonNull(address, "address must not be null");
    return new RequestContext(address, hashBytes(IpAddressParser.parse(address)), true);
  }

  /**
   * Creates a context for a client IP address.
   *
   * @param address the address, not null
   * @return a new context
   */
  public static RequestContext ofClientAddress(InetAddress address) {
    Objects.requireNonNull(address, "address must not be null");
    return ofClientAddress(address.getHostAddress());
  }

  private static long hashBytes(byte[] bytes) {
    long h = bytes.length;
    for (byte b : bytes) {
      h = h * 0x100000001b3L + (b & 0xff);
    }
    return Hashing.mix(h ^ Hashing.GOLDEN);
  }

  /**
   * Returns whether this context carries a hash key (or client address).
   *
   * @return whether a key is present
   */
  public boolean hasHashKey() {
    return hashKey != null;
  }

  /**
   * Returns whether the key is a parsed client IP address.
   *
   * @return whether made by {@link #ofClientAddress}
   */
  public boolean hasClientAddress() {
    return clientAddress;
  }

  /**
   * Returns the hash key as given.
   *
   * @return the key, or null for {@link #none()}
   */
  public @Nullable String hashKey() {
    return hashKey;
  }

  /**
   * Returns the 64-bit hash of the key (of the address bytes for a client address), 0 if none.
   *
   * @return the hash
   */
  public long hash() {
    return hash;
  }

  @Override
  public String toString() {
    return hashKey == null
        ? "RequestContext{}"
        : "RequestContext{" + (clientAddress ? "client=" : "key=") + hashKey + "}";
  }
}
