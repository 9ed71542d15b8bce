package dev.strata.demo.report;

/**
 * One price update written through one instance and read back directly on another.
 *
 * @param productId the product whose price changed
 * @param writtenOn the instance that took the update
 * @param readOn the instance read directly on its own port
 * @param delayMillis from the update's acknowledgement to the new price being read there, or {@code
 *     -1} when it was not seen within the bound
 */
public record InvalidationCheck(
    long productId, String writtenOn, String readOn, long delayMillis) {}
