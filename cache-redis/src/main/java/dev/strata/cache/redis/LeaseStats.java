package dev.strata.cache.redis;

/**
 * Counts of a {@link RedisCache}'s fill leases since it was built (see {@code
 * docs/consistency-across-nodes.md}). An immutable snapshot.
 *
 * @param granted leases this cache took before loading
 * @param waited misses that found another caller's lease and waited for its fill
 * @param waitsTimedOut waits that ran out, after which the caller loaded by itself without filling
 * @param expired waits that ended by taking the lease over although no end of the holder's lease
 *     was announced: the holder died or its load outlived the lease duration (also counted when
 *     announcements do not arrive: the lease channel cannot be subscribed, or the holder runs an
 *     older version that does not announce)
 * @param fillsLanded fills written under their lease
 * @param fillsRejectedAsStale fills not written because their lease had expired or was superseded
 *     by a put, an invalidation or a delete
 * @param earlyRefreshes entries this cache refreshed before they expired (early refresh, when on):
 *     refresh leases taken, each one reload
 */
public record LeaseStats(
    long granted,
    long waited,
    long waitsTimedOut,
    long expired,
    long fillsLanded,
    long fillsRejectedAsStale,
    long earlyRefreshes) {}
