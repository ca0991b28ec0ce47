package org.privspark.core.ledger.note;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.privspark.core.ledger.note.NoteVerificationException.Reason.INVALID_SIGNATURE;
import static org.privspark.core.ledger.note.NoteVerificationException.Reason.MALFORMED_NOTE;
import static org.privspark.core.ledger.note.NoteVerificationException.Reason.NO_KNOWN_SIGNATURE;
import static org.privspark.core.ledger.note.NoteVerificationException.Reason.TOO_MANY_SIGNATURES;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.privspark.core.Check;

/**
 * Signs and opens C2SP signed notes: a text ending in a newline, a blank line, then one or more
 * lines {@code — <key name> base64(4-byte key ID || signature)}. Byte-compatible with Go's {@code
 * golang.org/x/mod/sumdb/note}.
 *
 * <p>Opening is strict: the note must be valid UTF-8 without control characters other than newline,
 * every signature line must be well formed with canonical base64, every signature whose key name
 * and ID match a known key must verify, and at least one must. Signatures by unknown keys are
 * ignored, as the specification requires, but reported. Thread-safe.
 *
 * @see <a href="https://c2sp.org/signed-note">C2SP signed-note</a>
 */
public final class SignedNotes {
  /**
   * The most signature lines a note may have (the specification asks for at least 16; Go's
   * reference implementation allows 100): a bound on the work an attacker can cause.
   */
  public static final int MAX_SIGNATURES = 100;

  private SignedNotes() {}

  /** Signs {@code text} with each signer; see {@link #sign(String, List)}. */
  public static String sign(String text, NoteSigner... signers) {
    return sign(text, Arrays.asList(Check.notNull("signers", signers)));
  }

  /**
   * The signed note: {@code text}, a blank line, and one signature line per signer, in order.
   *
   * @throws IllegalArgumentException if the text does not end with a newline, is not well-formed
   *     Unicode, or has control characters other than newline; if there is no signer, more than
   *     {@value #MAX_SIGNATURES}, or two with the same key name and ID
   */
  public static String sign(String text, List<NoteSigner> signers) {
    Check.notNull("text", text);
    Check.notNull("signers", signers);
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("text must end with a newline");
    }
    if (!NoteEncoding.isWellFormed(text)) {
      throw new IllegalArgumentException(
          "text must be well-formed Unicode; got an unpaired" + " surrogate");
    }
    int control = firstControlCharacter(text);
    if (control >= 0) {
      throw new IllegalArgumentException(
          "text must have no control characters other than"
              + " newline; got U+"
              + String.format("%04X", (int) text.charAt(control))
              + " at index "
              + control);
    }
    if (signers.isEmpty() || signers.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException(
          "signers must number 1 to " + MAX_SIGNATURES + "; got " + signers.size());
    }
    byte[] message = text.getBytes(UTF_8);
    Set<String> keys = new LinkedHashSet<>();
    StringBuilder note = new StringBuilder(text).append('\n');
    for (NoteSigner signer : signers) {
      Check.notNull("signer", signer);
      if (!keys.add(signer.name() + "+" + signer.keyId())) {
        throw new IllegalArgumentException("signers must be distinct; got " + signer + " twice");
      }
      NoteSignature sig = new NoteSignature(signer.name(), signer.keyId(), signer.sign(message));
      note.append(sig.line()).append('\n');
    }
    return note.toString();
  }

  /** Opens a note given as a string; see {@link #open(byte[], Collection)}. */
  public static VerifiedNote open(String note, Collection<NoteVerifier> known)
      throws NoteVerificationException {
    Check.notNull("note", note);
    if (!NoteEncoding.isWellFormed(note)) {
      throw new NoteVerificationException(MALFORMED_NOTE, "the note is not well-formed Unicode");
    }
    return open(note.getBytes(UTF_8), known);
  }

  /**
   * Parses the signed note and verifies its signatures against the known keys.
   *
   * @param note the note's bytes (UTF-8)
   * @param known the trusted keys; no two may share both key name and key ID
   * @return the text with the verified and the ignored signatures
   * @throws NoteVerificationException if the note is malformed, has too many signatures, has a
   *     signature by a known key that does not verify, or has none by a known key
   * @throws IllegalArgumentException if an argument is null or two known keys share name and ID
   */
  public static VerifiedNote open(byte[] note, Collection<NoteVerifier> known)
      throws NoteVerificationException {
    Check.notNull("note", note);
    Map<String, NoteVerifier> verifiers = index(Check.notNull("known", known));
    String s = decodeUtf8(note);
    int control = firstControlCharacter(s);
    if (control >= 0) {
      throw malformed(
          "control character U+"
              + String.format("%04X", (int) s.charAt(control))
              + " at index "
              + control);
    }
    int split = s.lastIndexOf("\n\n");
    if (split < 0) {
      throw malformed("no blank line between the text and the signatures");
    }
    String text = s.substring(0, split + 1);
    String block = s.substring(split + 2);
    if (block.isEmpty() || !block.endsWith("\n")) {
      throw malformed("the signature block must be non-empty and end with a newline");
    }
    String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw new NoteVerificationException(
          TOO_MANY_SIGNATURES,
          "the note must have at most " + MAX_SIGNATURES + " signatures; got " + lines.length);
    }

    byte[] message = text.getBytes(UTF_8);
    Map<String, NoteSignature> verified = new LinkedHashMap<>();
    Map<String, NoteSignature> unverified = new LinkedHashMap<>();
    for (int i = 0; i < lines.length; i++) {
      NoteSignature sig = parseLine(lines[i], i);
      String key = sig.keyName() + "+" + sig.keyId();
      NoteVerifier v = verifiers.get(key);
      if (v == null) {
        unverified.putIfAbsent(lines[i], sig); // the spec: ignore unknown keys
        continue;
      }
      // Unlike Go, repeated signatures by a known key are all verified, not skipped.
      if (!v.verify(message, sig.signature())) {
        throw new NoteVerificationException(
            INVALID_SIGNATURE,
            "the signature on line "
                + (i + 1)
                + " of the signature block, by known key "
                + v.name()
                + "+"
                + NoteEncoding.hex8(v.keyId())
                + ", does not verify");
      }
      verified.putIfAbsent(key, sig);
    }
    if (verified.isEmpty()) {
      throw new NoteVerificationException(
          NO_KNOWN_SIGNATURE,
          "none of the "
              + lines.length
              + " signatures is by a known key; signed by "
              + unverified.values().stream()
                  .map(u -> u.keyName() + "+" + NoteEncoding.hex8(u.keyId()))
                  .distinct()
                  .toList());
    }
    return new VerifiedNote(text, List.copyOf(verified.values()), List.copyOf(unverified.values()));
  }

  private static NoteSignature parseLine(String line, int i) throws NoteVerificationException {
    String where = "signature line " + (i + 1);
    if (!line.startsWith(NoteSignature.LINE_PREFIX)) {
      throw malformed(where + " must start with an em dash (U+2014) and a space");
    }
    String rest = line.substring(NoteSignature.LINE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw malformed(where + " must be \"\u2014 <key name> <base64 signature>\"");
    }
    String name = rest.substring(0, space);
    if (!NoteEncoding.isValidKeyName(name)) {
      throw malformed(where + " has an invalid key name \"" + name + "\"");
    }
    Optional<byte[]> blob = NoteEncoding.decodeBase64(rest.substring(space + 1));
    if (blob.isEmpty()) {
      throw malformed(where + " has a signature that is not canonical standard base64");
    }
    byte[] b = blob.get();
    if (b.length < 5) {
      throw malformed(
          where + " must hold a 4-byte key ID and a signature; got " + b.length + " bytes");
    }
    int keyId = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    return new NoteSignature(name, keyId, Arrays.copyOfRange(b, 4, b.length));
  }

  private static Map<String, NoteVerifier> index(Collection<NoteVerifier> known) {
    Map<String, NoteVerifier> map = new HashMap<>();
    for (NoteVerifier v : known) {
      Check.notNull("known verifier", v);
      NoteVerifier previous = map.put(v.name() + "+" + v.keyId(), v);
      if (previous != null && !previous.equals(v)) {
        // Two keys with the same name and ID: a signature could not say which one it claims.
        throw new IllegalArgumentException(
            "known must not hold two keys with the same name and"
                + " key ID; got "
                + previous
                + " and "
                + v);
      }
    }
    return map;
  }

  private static String decodeUtf8(byte[] bytes) throws NoteVerificationException {
    try {
      return UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("the note is not valid UTF-8");
    }
  }

  /** The index of the first character below U+0020 other than newline, or -1. */
  static int firstControlCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < 0x20 && s.charAt(i) != '\n') {
        return i;
      }
    }
    return -1;
  }

  private static NoteVerificationException malformed(String message) {
    return new NoteVerificationException(MALFORMED_NOTE, message);
  }
}
