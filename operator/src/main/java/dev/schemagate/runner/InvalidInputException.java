package dev.schemagate.runner;

/** Input the runner cannot work with (URL, directory, file names): exit code 2. */
public final class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }
}
