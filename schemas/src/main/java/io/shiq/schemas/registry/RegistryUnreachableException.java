package io.shiq.schemas.registry;

/** The registry did not answer after the configured number of attempts. */
public final class RegistryUnreachableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryUnreachableException(String message, String url, Throwable cause) {
    super(message, url, cause);
  }
}
