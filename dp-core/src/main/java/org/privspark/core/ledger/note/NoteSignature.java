package org.privspark.core.ledger.note;

import java.util.Arrays;
import org.privspark.core.Check;

/**
 * One signature line of a signed note: {@code — <key name> base64(key ID || signature)}, with the
 * em dash U+2014. The signature bytes exclude the 4-byte key ID and are copied in and out.
 *
 * @param keyName the name of the key that signed
 * @param keyId the key ID, big-endian in the line
 * @param signature the signature bytes (64 for Ed25519)
 */
public record NoteSignature(String keyName, int keyId, byte[] signature) {
  /** The start of every signature line: em dash (U+2014) and a space. */
  public static final String LINE_PREFIX = "\u2014 ";

  /**
   * Copies {@code signature}.
   *
   * @throws IllegalArgumentException if the name is not a valid key name or the signature is null
   */
  public NoteSignature {
    NoteVerifier.checkName(keyName);
    signature = Check.notNull("signature", signature).clone();
  }

  /** The signature bytes, without the key ID (a copy). */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The line, without its final newline: {@code — <name> base64(key ID || signature)}. */
  public String line() {
    byte[] blob = new byte[4 + signature.length];
    blob[0] = (byte) (keyId >>> 24);
    blob[1] = (byte) (keyId >>> 16);
    blob[2] = (byte) (keyId >>> 8);
    blob[3] = (byte) keyId;
    System.arraycopy(signature, 0, blob, 4, signature.length);
    return LINE_PREFIX + keyName + " " + NoteEncoding.encodeBase64(blob);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteSignature s
        && keyName.equals(s.keyName)
        && keyId == s.keyId
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * keyName.hashCode() + keyId) + Arrays.hashCode(signature);
  }

  /** The signature line. */
  @Override
  public String toString() {
    return line();
  }
}
