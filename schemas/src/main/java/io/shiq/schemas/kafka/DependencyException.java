package io.shiq.schemas.kafka;

/**
 * A service this process needs (the Kafka cluster, the schema registry) cannot be used: it does not answer, or it
 * refuses this process's credentials. The message names the address, what was tried and what to do.
 */
public final class DependencyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the dependency cannot be used; each has its own exit code. */
  public enum Kind {
    /** No answer within the limit (down, wrong address, firewall, TLS to a plaintext port). */
    UNREACHABLE,
    /** It answered, but refused the credentials (authentication) or the operation (authorisation). */
    NOT_AUTHORIZED
  }

  private final Kind kind;
  private final String dependency;

  public DependencyException(Kind kind, String dependency, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.dependency = dependency;
  }

  public Kind kind() {
    return kind;
  }

  /** "Kafka" or "schema registry". */
  public String dependency() {
    return dependency;
  }
}
