package dev.strata.demo.report;

/**
 * What the front did about the instance killed with SIGKILL.
 *
 * @param instance the killed instance
 * @param markedDownAfterMillis from the kill to the front taking it out of selection
 * @param failedAttemptsBeforeDown forwarding attempts that hit it after the kill, before it was
 *     marked down (each one retried elsewhere or counted as failed)
 * @param requestsSentWhileDown requests forwarded to it between being marked down and its restart
 *     (must be 0)
 * @param servedAfterRestart requests it answered after its restart (must be above 0)
 */
public record KillCheck(
    String instance,
    long markedDownAfterMillis,
    long failedAttemptsBeforeDown,
    long requestsSentWhileDown,
    long servedAfterRestart) {}
