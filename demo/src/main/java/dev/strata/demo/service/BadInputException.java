package dev.strata.demo.service;

/** A request's input that the API refuses, answered with 400 and this message. */
final class BadInputException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  BadInputException(String message) {
    super(message, null, false, false);
  }
}
