package dev.strata.session;

import dev.strata.session.internal.DecodeFailureLog;

/**
 * What a {@link StoredSession} needs to know about its store, as a value: the codec, the limits,
 * and where decode failures are reported.
 *
 * @param codec encodes and decodes attribute values
 * @param maxAttributeBytes largest encoded attribute (field name plus value)
 * @param maxSessionBytes largest total of all attributes
 * @param maxIdleMillis longest idle timeout a session may set (the store's absolute lifetime)
 * @param decodeFailures counts and logs values that do not decode
 */
record SessionSettings(
    AttributeCodec codec,
    int maxAttributeBytes,
    long maxSessionBytes,
    long maxIdleMillis,
    DecodeFailureLog decodeFailures) {}
