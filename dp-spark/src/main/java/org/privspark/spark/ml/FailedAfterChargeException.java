package org.privspark.spark.ml;

/**
 * A fit failed after its budget was charged; the budget stays spent and nothing was released.
 *
 * <p>Whatever the failure carried that could hold a value of the private data is withheld: the
 * message of every exception in its chain (an executor's exception, a Spark job abort or a
 * mechanism's refusal may quote a row, a sum or a count). The exception types and stack traces are
 * kept, as {@link Redacted} causes, so the failure can still be located. See {@link DataPhase}.
 */
public final class FailedAfterChargeException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** How deep a cause chain is copied (a cycle or an absurd depth stops here). */
  private static final int MAX_DEPTH = 32;

  FailedAfterChargeException(String stage, Throwable failure) {
    super(
        stage
            + ": failed after the budget was charged (it stays spent; nothing was released);"
            + " the failure's messages are withheld because they may quote private data: "
            + types(failure),
        redact(failure, 0));
  }

  private static String types(Throwable failure) {
    StringBuilder b = new StringBuilder();
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
      b.append(depth == 0 ? "" : " <- ").append(t.getClass().getName());
      if (t.getCause() == t) {
        break;
      }
    }
    return b.toString();
  }

  private static Redacted redact(Throwable t, int depth) {
    if (t == null || depth >= MAX_DEPTH) {
      return null;
    }
    Throwable cause = t.getCause() == t ? null : t.getCause();
    Redacted r = new Redacted(t.getClass().getName(), redact(cause, depth + 1));
    r.setStackTrace(t.getStackTrace());
    for (Throwable s : t.getSuppressed()) {
      Redacted copy = redact(s, depth + 1);
      if (copy != null) {
        r.addSuppressed(copy);
      }
    }
    return r;
  }

  /**
   * One exception of the original chain with its message withheld: its message is the original
   * class name, its stack trace the original one.
   */
  public static final class Redacted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Redacted(String originalClass, Redacted cause) {
      super(originalClass + " (message withheld)", cause);
    }
  }
}
