package dev.strata.cache.local.internal;

import java.util.concurrent.CancellationException;

/**
 * Completes the future of a refresh-ahead reload whose loader failed; the loader's exception is the
 * cause. Being a {@link CancellationException} makes Caffeine keep the old value without logging
 * the failure a second time (the cache logs it through SLF4J with its name). Carries no stack trace
 * of its own.
 */
final class FailedLoad extends CancellationException {

  private static final long serialVersionUID = 1L;

  FailedLoad(Throwable cause) {
    super("load failed: " + cause);
    initCause(cause);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
