package org.privspark.core.ledger.note;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/** The text encodings shared by keys, signatures and checkpoints: key names, key IDs, base64. */
final class NoteEncoding {
  /** Signature type byte of Ed25519 in signed-note key IDs and key encodings. */
  static final byte ED25519 = 0x01;

  private NoteEncoding() {}

  /**
   * A key name must be non-empty and contain no Unicode space and no '+' (C2SP signed-note,
   * "Format"). Spaces follow Go's unicode.IsSpace, which the reference implementation uses.
   */
  static boolean isValidKeyName(String name) {
    if (name == null || name.isEmpty() || name.indexOf('+') >= 0 || !isWellFormed(name)) {
      return false;
    }
    return name.codePoints().noneMatch(NoteEncoding::isUnicodeSpace);
  }

  static boolean isUnicodeSpace(int cp) {
    return Character.isSpaceChar(cp)
        || cp == '\t'
        || cp == '\n'
        || cp == 0x0B
        || cp == '\f'
        || cp == '\r'
        || cp == 0x85;
  }

  /** No unpaired surrogate: the string encodes to UTF-8 and back unchanged. */
  static boolean isWellFormed(String s) {
    return new String(s.getBytes(UTF_8), UTF_8).equals(s);
  }

  /**
   * The key ID: the first four bytes, big-endian, of SHA-256(name || 0x0A || type || public key).
   * {@code typedKey} is the type byte followed by the public key.
   */
  static int keyId(String name, byte[] typedKey) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    sha256.update(name.getBytes(UTF_8));
    sha256.update((byte) '\n');
    sha256.update(typedKey);
    byte[] d = sha256.digest();
    return (d[0] & 0xff) << 24 | (d[1] & 0xff) << 16 | (d[2] & 0xff) << 8 | (d[3] & 0xff);
  }

  /** Eight lower-case hex digits, as in verifier keys. */
  static String hex8(int keyId) {
    return String.format("%08x", keyId);
  }

  /** Exactly eight hex digits to a key ID; empty otherwise. */
  static Optional<Integer> parseHex8(String s) {
    if (s.length() != 8 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
      return Optional.empty();
    }
    return Optional.of((int) Long.parseLong(s, 16));
  }

  /**
   * Standard base64 (RFC 4648 section 4) in its one canonical form: padded, no line breaks, unused
   * bits zero. Java's decoder alone would accept missing padding and non-zero unused bits, so the
   * result is re-encoded and compared. Empty if {@code s} is not canonical base64.
   */
  static Optional<byte[]> decodeBase64(String s) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Base64.getEncoder().encodeToString(bytes).equals(s)
        ? Optional.of(bytes)
        : Optional.empty();
  }

  static String encodeBase64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
