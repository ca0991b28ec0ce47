package org.privspark.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.note.NoteVerificationException;
import org.privspark.core.ledger.note.SignedNotes;

/**
 * The auditor's own inputs, checked before anything is verified: a mistake in them (a mistyped
 * path, a saved checkpoint an editor or mail program changed) is the auditor's to fix, and must not
 * read as a finding about the ledger. Each check throws {@link IllegalArgumentException} naming the
 * option, which the commands turn into exit code 2 ("nothing was verified").
 */
final class AuditorInputs {
  private AuditorInputs() {}

  /**
   * The ledger directory is a directory and holds something of a ledger (the files themselves are
   * the verifier's to judge). With {@code checkpointSaved}, a missing or empty directory is left to
   * the verifier: the auditor's saved checkpoint proves a ledger was there, so its removal is a
   * rollback to report, not a mistyped path.
   */
  static void requireLedgerDirectory(Path dir, boolean checkpointSaved) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "DIR "
              + dir
              + " is not a directory: give the ledger's directory, the one"
              + " that holds ledger.json. Nothing was verified");
    }
    if (checkpointSaved) {
      return;
    }
    if (!Files.exists(dir)) {
      throw new IllegalArgumentException(
          "DIR " + dir + " does not exist: check the path. Nothing was verified");
    }
    if (!Files.exists(dir.resolve(LedgerLayout.GENESIS))
        && !Files.exists(dir.resolve(LedgerLayout.ENTRIES))
        && !Files.exists(dir.resolve(LedgerLayout.HEADS))) {
      throw new IllegalArgumentException(
          "DIR "
              + dir
              + " holds no ledger (no ledger.json, entries/ or heads/): check the path (if a ledger"
              + " was there, all of it has been removed: give a checkpoint you saved to have that"
              + " verified). Nothing was verified");
    }
  }

  /** The bytes of a file the auditor named. */
  static byte[] read(Path file, String option) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(option + " " + file + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " " + file + " is not a file");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e, e);
    }
  }

  /**
   * A checkpoint the auditor saved (the text {@code privspark ledger checkpoint} prints), with the
   * damage a copy can suffer named as such: CRLF line endings, a lost final newline, or a file that
   * is not a signed note at all. Its signature and consistency with the ledger are the verifier's
   * to check.
   */
  static String readCheckpoint(Path file, String option) {
    byte[] bytes = read(file, option);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          option + " " + file + " is not a saved checkpoint: it is not UTF-8 text");
    }
    String fix = ". Nothing was verified";
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          option
              + " "
              + file
              + " is empty: save the output of 'privspark ledger"
              + " checkpoint' (or a receipt's checkpoint) as it is"
              + fix);
    }
    if (text.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          option
              + " "
              + file
              + " has CRLF (Windows) line endings: a checkpoint's lines end in LF alone and its"
              + " signature covers them; convert the file back (for example with dos2unix) and run"
              + " again"
              + fix);
    }
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException(
          option
              + " "
              + file
              + " lost its final newline: a checkpoint ends with"
              + " one, after its signature line; add it back and run again"
              + fix);
    }
    try {
      SignedNotes.open(text, List.of());
    } catch (NoteVerificationException e) {
      if (e.reason() == NoteVerificationException.Reason.MALFORMED_NOTE
          || e.reason() == NoteVerificationException.Reason.TOO_MANY_SIGNATURES) {
        throw new IllegalArgumentException(
            option
                + " "
                + file
                + " is not a saved checkpoint (the origin, the tree"
                + " size and the root hash, a blank line, then signature lines): "
                + e.getMessage()
                + fix);
      }
      // NO_KNOWN_SIGNATURE: a well-formed note; the verifier checks its signatures with the key.
    }
    return text;
  }
}
