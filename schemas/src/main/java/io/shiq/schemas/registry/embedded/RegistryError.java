package io.shiq.schemas.registry.embedded;

/** An error the embedded registry answers with: HTTP status plus Confluent error code and message. */
final class RegistryError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final int SUBJECT_NOT_FOUND = 40401;
  static final int VERSION_NOT_FOUND = 40402;
  static final int SCHEMA_NOT_FOUND = 40403;
  static final int INCOMPATIBLE = 409;
  static final int INVALID_SCHEMA = 42201;
  static final int INVALID_VERSION = 42202;
  static final int INVALID_COMPATIBILITY = 42203;
  static final int STORE_ERROR = 50001;

  final int status;
  final int code;

  RegistryError(int status, int code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  static RegistryError notFound(int code, String message) {
    return new RegistryError(404, code, message);
  }

  static RegistryError unprocessable(int code, String message) {
    return new RegistryError(422, code, message);
  }
}
