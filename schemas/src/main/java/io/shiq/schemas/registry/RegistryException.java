package io.shiq.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/**
 * An error answered by a schema registry (or raised talking to it). Carries the HTTP status and the Confluent
 * error code (e.g. 40403 schema not found, 409 incompatible schema, 42201 invalid schema) when there was an answer.
 * It extends Kafka's SerializationException so serde callers see the usual type.
 */
public class RegistryException extends SerializationException {
  private static final long serialVersionUID = 1L;
  private final int httpStatus;
  private final int errorCode;
  private final String url;

  public RegistryException(String message, int httpStatus, int errorCode, String url) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.url = url;
  }

  public RegistryException(String message, String url, Throwable cause) {
    super(message, cause);
    this.httpStatus = -1;
    this.errorCode = -1;
    this.url = url;
  }

  /** HTTP status of the registry's answer, -1 if it never answered. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent error code of the answer, -1 if none. */
  public int errorCode() {
    return errorCode;
  }

  public String url() {
    return url;
  }
}
