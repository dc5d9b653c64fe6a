package io.shiq.policy.io;

/** A model or tokenizer file that cannot be loaded; the message names the file and, where known, the tensor. */
public final class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
