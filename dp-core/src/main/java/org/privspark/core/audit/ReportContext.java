package org.privspark.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.privspark.core.Check;
import org.privspark.core.ledger.note.NoteVerifier;

/**
 * What a report says about the audit itself rather than the ledger: when it ran, with which tool,
 * and with which key. None of it is read from the ledger, so a report shows it whatever the
 * verdict.
 *
 * @param auditTime when the verification ran
 * @param toolVersion the auditor tool's version
 * @param keyFingerprint {@link #fingerprint(NoteVerifier)} of the key the auditor gave
 */
public record ReportContext(Instant auditTime, String toolVersion, String keyFingerprint) {
  public ReportContext {
    Check.notNull("auditTime", auditTime);
    Check.notNull("toolVersion", toolVersion);
    Check.notNull("keyFingerprint", keyFingerprint);
  }

  /** The context of an audit that runs now with {@code key}. */
  public static ReportContext now(NoteVerifier key, String toolVersion) {
    return new ReportContext(Instant.now(), toolVersion, fingerprint(key));
  }

  /**
   * The key's fingerprint: SHA-256 of its verifier key text ({@link NoteVerifier#encode()}, the one
   * line of KEY.pub and ledger.json's {@code publicKey}) in UTF-8, as 64 lower-case hex digits. The
   * same as {@code tr -d '\r\n' < KEY.pub | sha256sum} (docs/LEDGER-FORMAT.md §6): the auditor's
   * tool reads only a KEY.pub that is this line, with a line ending (LF or CRLF) or none.
   */
  public static String fingerprint(NoteVerifier key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(Check.notNull("key", key).encode().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
