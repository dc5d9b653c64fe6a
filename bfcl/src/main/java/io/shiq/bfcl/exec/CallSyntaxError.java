package io.shiq.bfcl.exec;

/**
 * A call string that is not in the Python subset the executor evaluates. {@link #pythonMessage()} is what CPython's
 * {@code eval} would most likely say (its SyntaxError text, which BFCL puts in the result string);
 * {@link #getMessage()} names the offset for people.
 */
public final class CallSyntaxError extends RuntimeException {
  private final int offset;
  private final String pythonMessage;

  CallSyntaxError(String source, int offset, String what, String pythonMessage) {
    super(what + " at offset " + offset + " of " + source);
    this.offset = offset;
    this.pythonMessage = pythonMessage;
  }

  public int offset() {
    return offset;
  }

  public String pythonMessage() {
    return pythonMessage;
  }
}
