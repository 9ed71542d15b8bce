package dev.strata.lb.internal;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs through SLF4J when slf4j-api is on the class path and does nothing otherwise, so that the
 * simulator runs from this module's classes alone ({@code java -cp lb-algorithms/target/classes
 * ...}). Applications always have slf4j-api (a declared dependency), and then this is a plain SLF4J
 * logger. Thread-safe; used only off the select path (ejections, panic, listener failures).
 */
public final class OptionalSlf4jLogger {

  private static final boolean AVAILABLE = slf4jPresent();

  private final @Nullable Object logger;

  /**
   * Creates the logger named after a class.
   *
   * @param owner the class
   */
  public OptionalSlf4jLogger(Class<?> owner) {
    this.logger = AVAILABLE ? Slf4j.logger(owner) : null;
  }

  private static boolean slf4jPresent() {
    try {
      Class.forName("org.slf4j.LoggerFactory", false, OptionalSlf4jLogger.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Logs at debug level. */
  public void debug(String format, Object... arguments) {
    if (logger != null) {
      Slf4j.debug(logger, format, arguments);
    }
  }

  /** Logs at info level. */
  public void info(String format, Object... arguments) {
    if (logger != null) {
      Slf4j.info(logger, format, arguments);
    }
  }

  /** Logs at warn level; a trailing throwable argument is logged with its stack trace. */
  public void warn(String format, Object... arguments) {
    if (logger != null) {
      Slf4j.warn(logger, format, arguments);
    }
  }

  /** The only code that touches SLF4J types; loaded only when SLF4J is present. */
  private static final class Slf4j {
    static Object logger(Class<?> owner) {
      return LoggerFactory.getLogger(owner);
    }

    static void debug(Object logger, String format, Object[] arguments) {
      ((Logger) logger).debug(format, arguments);
    }

    static void info(Object logger, String format, Object[] arguments) {
      ((Logger) logger).info(format, arguments);
    }

    static void warn(Object logger, String format, Object[] arguments) {
      ((Logger) logger).warn(format, arguments);
    }
  }
}
