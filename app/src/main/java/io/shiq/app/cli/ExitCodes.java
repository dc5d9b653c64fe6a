package io.shiq.app.cli;

import io.shiq.schemas.kafka.DependencyException;
import io.shiq.schemas.registry.RegistryException;
import io.shiq.schemas.registry.RegistryUnreachableException;
import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * The exit status of every shiq command, one per cause, so that scripts and orchestrators can tell a typo from a
 * broker that is down (documented in README.md, "Exit codes").
 */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;
  /** A bug or an unexpected failure: the message (and SHIQ_DEBUG=1's stack trace) says where. */
  public static final int INTERNAL = 1;
  /** The command line is wrong: an unknown option, a missing or malformed value (picocli's usage error). */
  public static final int USAGE = 2;
  /** A local input is wrong: a model, tokenizer, config file, checkpoint or data file missing or unreadable. */
  public static final int BAD_INPUT = 3;
  /** Kafka or the schema registry did not answer within --connect-timeout. */
  public static final int UNREACHABLE = 4;
  /** Kafka or the registry refused this process's credentials or the operation (authentication, ACLs). */
  public static final int NOT_AUTHORIZED = 5;

  private ExitCodes() {}

  /** The exit code of a command that failed with {@code failure}: its own cause first, then its causes'. */
  public static int of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DependencyException d) {
        return d.kind() == DependencyException.Kind.NOT_AUTHORIZED ? NOT_AUTHORIZED : UNREACHABLE;
      }
      if (t instanceof AuthorizationException || t instanceof AuthenticationException) {
        return NOT_AUTHORIZED;
      }
      if (t instanceof RegistryUnreachableException) {
        return UNREACHABLE;
      }
      if (t instanceof RegistryException r && (r.httpStatus() == 401 || r.httpStatus() == 403)) {
        return NOT_AUTHORIZED;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IllegalArgumentException || t instanceof NoSuchFileException
          || t instanceof FileNotFoundException || t instanceof io.shiq.policy.io.ModelFormatException
          || t instanceof io.shiq.policy.chat.ChatTemplateException) {
        return BAD_INPUT;
      }
    }
    return INTERNAL;
  }
}
