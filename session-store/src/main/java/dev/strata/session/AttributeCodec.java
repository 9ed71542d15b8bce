package dev.strata.session;

/**
 * Turns session attribute values into bytes for the store and back. The bytes read back are
 * untrusted: an implementation must never instantiate arbitrary classes named by them and must not
 * use Java native serialization.
 *
 * <p>The default is {@link JsonAttributeCodec}. Implementations must be thread-safe.
 */
public interface AttributeCodec {

  /**
   * Encodes a value.
   *
   * @param attributeName the attribute the value is stored under
   * @param value the value, never null
   * @return the bytes to store, never null
   * @throws IllegalArgumentException if this codec cannot encode the value (the message names the
   *     attribute and the value's type)
   */
  byte[] encode(String attributeName, Object value);

  /**
   * Decodes stored bytes.
   *
   * @param attributeName the attribute the bytes were stored under
   * @param bytes the stored bytes, never null
   * @return the value, never null
   * @throws AttributeDecodingException if the bytes are not a value this codec accepts
   */
  Object decode(String attributeName, byte[] bytes);
}
