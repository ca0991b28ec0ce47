package org.privspark.core.ledger.note;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.privspark.core.Check;

/**
 * A secret Ed25519 signing key of the signed-note format, with its key name. Its text form, the
 * signer key of Go's {@code golang.org/x/mod/sumdb/note}, is {@code PRIVATE+KEY+<name>+<hex key
 * ID>+base64(0x01 || 32-byte seed)}.
 *
 * <p>Whoever holds the seed can sign tree heads in the ledger's name, so it is kept like {@link
 * org.privspark.core.noise.Secret}: no revealing {@code toString}, equality in constant time, and
 * read out only through {@link #exportSignerKey()}, for storing in a protected place. Never log it.
 * Immutable and thread-safe.
 *
 * @see <a href="https://c2sp.org/signed-note">C2SP signed-note</a>
 */
public final class NoteSigner {
  private static final String PREFIX = "PRIVATE+KEY+";

  private final byte[] seed;
  private final NoteVerifier verifier;

  private NoteSigner(byte[] seed, NoteVerifier verifier) {
    this.seed = seed;
    this.verifier = verifier;
  }

  /**
   * A new key with a seed from a new {@link SecureRandom}.
   *
   * @throws IllegalArgumentException if the name is not a valid key name
   */
  public static NoteSigner generate(String name) {
    byte[] seed = new byte[Ed25519Keys.KEY_SIZE];
    new SecureRandom().nextBytes(seed);
    try {
      return fromSeed(name, seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * The key with the given 32-byte RFC 8032 seed (copied).
   *
   * @throws IllegalArgumentException if the name is not a valid key name (non-empty, no Unicode
   *     space, no '+') or the seed is not 32 bytes long
   */
  public static NoteSigner fromSeed(String name, byte[] seed) {
    NoteVerifier.checkName(name);
    Check.notNull("seed", seed);
    if (seed.length != Ed25519Keys.KEY_SIZE) {
      throw new IllegalArgumentException(
          "seed must be " + Ed25519Keys.KEY_SIZE + " bytes long; got " + seed.length);
    }
    byte[] copy = seed.clone();
    return new NoteSigner(copy, NoteVerifier.ed25519(name, Ed25519Keys.publicKeyOf(copy)));
  }

  /**
   * Parses a signer key {@code PRIVATE+KEY+<name>+<8 hex digits>+<base64(0x01 || seed)>}. The
   * messages of the exceptions never contain the key.
   *
   * @throws IllegalArgumentException if the text is malformed, the algorithm is not Ed25519, or the
   *     key ID does not match the public key derived from the seed
   */
  public static NoteSigner parse(String skey) {
    Check.notNull("skey", skey);
    String[] parts =
        skey.startsWith(PREFIX) ? skey.substring(PREFIX.length()).split("\\+", 3) : new String[0];
    Optional<Integer> id = parts.length == 3 ? NoteEncoding.parseHex8(parts[1]) : Optional.empty();
    Optional<byte[]> typed =
        parts.length == 3 ? NoteEncoding.decodeBase64(parts[2]) : Optional.empty();
    if (id.isEmpty() || typed.isEmpty() || !NoteEncoding.isValidKeyName(parts[0])) {
      throw new IllegalArgumentException(
          "skey must be PRIVATE+KEY+<key name>+<8 hex digits>+"
              + "<base64 key> (contents not shown: the key is secret)");
    }
    byte[] key = typed.get();
    try {
      if (key.length != 1 + Ed25519Keys.KEY_SIZE || key[0] != NoteEncoding.ED25519) {
        throw new IllegalArgumentException(
            "skey key must be 0x01 (Ed25519) followed by a 32-byte seed; got "
                + key.length
                + " bytes");
      }
      NoteSigner signer = fromSeed(parts[0], Arrays.copyOfRange(key, 1, key.length));
      if (signer.keyId() != id.get()) {
        throw new IllegalArgumentException(
            "skey key ID must be "
                + NoteEncoding.hex8(signer.keyId())
                + " (computed from name and public key); got "
                + parts[1]);
      }
      return signer;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** The key name. */
  public String name() {
    return verifier.name();
  }

  /** The key ID, the same as its verifier's. */
  public int keyId() {
    return verifier.keyId();
  }

  /** The public half, to publish. */
  public NoteVerifier verifier() {
    return verifier;
  }

  /**
   * The secret signer key text {@code PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || seed)}, for
   * the caller to store in a protected place. Anyone who reads it can sign as this key.
   */
  public String exportSignerKey() {
    byte[] typed = NoteVerifier.typedKey(seed);
    try {
      return PREFIX
          + name()
          + "+"
          + NoteEncoding.hex8(keyId())
          + "+"
          + NoteEncoding.encodeBase64(typed);
    } finally {
      Arrays.fill(typed, (byte) 0);
    }
  }

  /**
   * The Ed25519 signature of {@code message}, by BouncyCastle's RFC 8032 implementation: Ed25519
   * signatures are deterministic, so these are the JDK's signatures bit for bit (the C2SP and Go
   * vectors check it), made in a fraction of the JDK's time, which matters because the ledger signs
   * a checkpoint per append.
   */
  byte[] sign(byte[] message) {
    return Ed25519Keys.sign(seed, message);
  }

  /** Equal if the names and seeds are equal; the seeds are compared in constant time. */
  @Override
  public boolean equals(Object o) {
    return o instanceof NoteSigner s
        && name().equals(s.name())
        && MessageDigest.isEqual(seed, s.seed);
  }

  @Override
  public int hashCode() {
    // Not derived from the seed: a hash of it would leak information through hash tables.
    return name().hashCode();
  }

  /** Names the key and its ID; never shows the seed. */
  @Override
  public String toString() {
    return "NoteSigner[" + name() + "+" + NoteEncoding.hex8(keyId()) + ", seed redacted]";
  }
}
