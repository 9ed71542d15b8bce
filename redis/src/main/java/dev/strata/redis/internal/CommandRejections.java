package dev.strata.redis.internal;

import io.lettuce.core.RedisException;
import org.jspecify.annotations.Nullable;

/** Recognises the failures of commands that Lettuce refused to send or queue. */
public final class CommandRejections {

  private CommandRejections() {}

  /**
   * Returns whether {@code failure} (or one of its causes) is a command Lettuce rejected: its
   * request queue was full, or it rejects commands while disconnected.
   *
   * @param failure a failure of a command, or null
   * @return whether it is a rejection
   */
  public static boolean isRejection(@Nullable Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 6; t = t.getCause(), depth++) {
      if (t instanceof RedisException) {
        String message = t.getMessage();
        if (message != null
            && (message.startsWith("Request queue size exceeded")
                || message.startsWith("Command buffer size exceeded")
                || message.startsWith("Currently not connected. Commands are rejected"))) {
          return true;
        }
      }
    }
    return false;
  }
}
