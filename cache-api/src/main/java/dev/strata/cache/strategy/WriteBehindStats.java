package dev.strata.cache.strategy;

/**
 * A snapshot of a {@link WriteBehindCache}'s counters since it was built.
 *
 * @param accepted writes (puts and deletes) accepted into the queue
 * @param coalesced accepted writes that replaced a write to the same key still in the queue
 * @param rejected writes refused because the queue was full
 * @param written writes that reached the {@link dev.strata.cache.CacheWriter}
 * @param batches batches written
 * @param retries retries of failed batches
 * @param deadLettered writes handed to the dead-letter handler
 * @param queueDepth writes waiting in the queue now (after coalescing, not counting a batch being
 *     written)
 * @param callbackFailures exceptions and errors thrown by listeners and the dead-letter handler
 *     (logged; the flusher went on)
 * @param queueFailures failures of the queue itself (a durable queue's store unreachable), after
 *     which the flusher tried again
 */
public record WriteBehindStats(
    long accepted,
    long coalesced,
    long rejected,
    long written,
    long batches,
    long retries,
    long deadLettered,
    int queueDepth,
    long callbackFailures,
    long queueFailures) {}
