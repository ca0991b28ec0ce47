package org.privspark.core.ledger.note;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Optional;
import org.privspark.core.Check;

/**
 * A public Ed25519 key of the signed-note format, with its key name and key ID. Its text form, the
 * verifier key of Go's {@code golang.org/x/mod/sumdb/note}, is {@code <name>+<hex key
 * ID>+base64(0x01 || 32-byte public key)}, for example {@code
 * example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k}.
 *
 * <p>The key ID is the first four bytes of SHA-256(name || 0x0A || 0x01 || public key), so it binds
 * the name to the key; parsing recomputes it and refuses a mismatch. Immutable and thread-safe;
 * equal if name and key are equal.
 *
 * @see <a href="https://c2sp.org/signed-note">C2SP signed-note</a>
 */
public final class NoteVerifier {
  private final String name;
  private final int keyId;
  private final byte[] publicKey;
  private final PublicKey key;

  private NoteVerifier(String name, byte[] publicKey, PublicKey key) {
    this.name = name;
    this.publicKey = publicKey;
    this.keyId = NoteEncoding.keyId(name, typedKey(publicKey));
    this.key = key;
  }

  /**
   * The verifier for an Ed25519 public key in its 32-byte RFC 8032 encoding (copied).
   *
   * @throws IllegalArgumentException if the name is not a valid key name (non-empty, no Unicode
   *     space, no '+') or the key is not 32 bytes or not a canonical encoding
   */
  public static NoteVerifier ed25519(String name, byte[] publicKey) {
    checkName(name);
    Check.notNull("publicKey", publicKey);
    if (publicKey.length != Ed25519Keys.KEY_SIZE) {
      throw new IllegalArgumentException(
          "publicKey must be " + Ed25519Keys.KEY_SIZE + " bytes long; got " + publicKey.length);
    }
    try {
      return new NoteVerifier(name, publicKey.clone(), Ed25519Keys.publicKey(publicKey));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "publicKey must be a valid Ed25519 key; " + e.getMessage(), e);
    }
  }

  /**
   * Parses a verifier key {@code <name>+<8 hex digits>+<base64(0x01 || public key)>}.
   *
   * @throws IllegalArgumentException if the text is malformed, the algorithm is not Ed25519 (0x01),
   *     or the key ID is not the one computed from name and key; a text that looks like a private
   *     key is refused without being shown
   */
  public static NoteVerifier parse(String vkey) {
    Check.notNull("vkey", vkey);
    if (vkey.startsWith("PRIVATE+KEY+") || vkey.contains("PRIVATE KEY")) {
      // Never echo a secret given here by mistake.
      throw new IllegalArgumentException(
          "vkey looks like a private key, not a verifier key (contents not shown)");
    }
    String[] parts = vkey.split("\\+", 3);
    Optional<Integer> id = parts.length == 3 ? NoteEncoding.parseHex8(parts[1]) : Optional.empty();
    Optional<byte[]> typed =
        parts.length == 3 ? NoteEncoding.decodeBase64(parts[2]) : Optional.empty();
    if (id.isEmpty() || typed.isEmpty() || !NoteEncoding.isValidKeyName(parts[0])) {
      throw new IllegalArgumentException(
          "vkey must be <key name>+<8 hex digits>+<base64 key>,"
              + " with a non-empty key name without spaces or '+'; got \""
              + vkey
              + "\"");
    }
    byte[] key = typed.get();
    if (key.length != 1 + Ed25519Keys.KEY_SIZE || key[0] != NoteEncoding.ED25519) {
      throw new IllegalArgumentException(
          "vkey key must be 0x01 (Ed25519) followed by 32 bytes;"
              + " got "
              + key.length
              + " bytes starting with "
              + (key.length > 0 ? key[0] : "nothing"));
    }
    NoteVerifier v = ed25519(parts[0], Arrays.copyOfRange(key, 1, key.length));
    if (v.keyId != id.get()) {
      throw new IllegalArgumentException(
          "vkey key ID must be "
              + NoteEncoding.hex8(v.keyId)
              + " (computed from name and key); got "
              + parts[1]);
    }
    return v;
  }

  /** The key name. */
  public String name() {
    return name;
  }

  /** The key ID: the first four bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || key). */
  public int keyId() {
    return keyId;
  }

  /** The 32-byte RFC 8032 encoding of the public key (a copy). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The verifier key text, {@code <name>+<hex key ID>+base64(0x01 || public key)}. */
  public String encode() {
    return name
        + "+"
        + NoteEncoding.hex8(keyId)
        + "+"
        + NoteEncoding.encodeBase64(typedKey(publicKey));
  }

  /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
  boolean verify(byte[] message, byte[] signature) {
    return Ed25519Keys.verify(key, message, signature);
  }

  static void checkName(String name) {
    Check.notNull("name", name);
    if (!NoteEncoding.isValidKeyName(name)) {
      throw new IllegalArgumentException(
          "name must be non-empty, without Unicode spaces or '+'; got \"" + name + "\"");
    }
  }

  static byte[] typedKey(byte[] publicKey) {
    byte[] typed = new byte[1 + publicKey.length];
    typed[0] = NoteEncoding.ED25519;
    System.arraycopy(publicKey, 0, typed, 1, publicKey.length);
    return typed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifier v
        && name.equals(v.name)
        && Arrays.equals(publicKey, v.publicKey);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(publicKey);
  }

  /** The verifier key text, as {@link #encode()}. */
  @Override
  public String toString() {
    return encode();
  }
}
