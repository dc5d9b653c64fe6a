package io.shiq.policy.hub;

/** A Hub download that failed, with a one-line message saying what to do about it. */
public final class HubException extends RuntimeException {
  /** Why it failed. */
  public enum Reason {
    /** No connection to the endpoint (offline, wrong HF_ENDPOINT, firewall). */
    UNREACHABLE,
    /** 401/403: private or gated, or the token was refused. */
    UNAUTHORIZED,
    /** 404: no such repository, revision or file. */
    NOT_FOUND,
    /** A downloaded file's size or hash differs from what the Hub reports. */
    CHECKSUM,
    /** The connection broke mid-file; the next pull resumes it. */
    INTERRUPTED,
    /** Another HTTP error (rate limit, server error) or an answer we cannot read. */
    HTTP
  }

  private final Reason reason;

  public HubException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public HubException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
