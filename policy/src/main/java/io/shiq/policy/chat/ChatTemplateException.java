package io.shiq.policy.chat;

/** A chat template failed to render (a syntax or evaluation error, or the template's own raise_exception). */
public final class ChatTemplateException extends RuntimeException {
  public ChatTemplateException(String message) {
    super(message);
  }

  public ChatTemplateException(String message, Throwable cause) {
    super(message, cause);
  }
}
