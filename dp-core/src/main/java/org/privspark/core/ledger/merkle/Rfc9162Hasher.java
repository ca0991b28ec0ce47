package org.privspark.core.ledger.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.privspark.core.Check;

/**
 * The RFC 9162 (RFC 6962) Merkle tree hash with SHA-256, and nothing else.
 *
 * <ul>
 *   <li>leaf hash = SHA-256(0x00 || data);
 *   <li>node hash = SHA-256(0x01 || left || right);
 *   <li>the root of the empty tree = SHA-256("").
 * </ul>
 *
 * <p>The two prefixes separate the domains of leaves and nodes, so that no leaf can be presented as
 * an inner node (a second-preimage attack on the tree). Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9162.html#section-2.1.1">RFC 9162, 2.1.1</a>
 */
public final class Rfc9162Hasher {
  /** The length of every hash in bytes (SHA-256). */
  public static final int HASH_SIZE = 32;

  /** Domain-separation prefix of a leaf hash. */
  public static final byte LEAF_PREFIX = 0x00;

  /** Domain-separation prefix of an inner node hash. */
  public static final byte NODE_PREFIX = 0x01;

  // MessageDigest.getInstance costs more than hashing 65 bytes; a tree of 100,000 leaves hashes
  // 200,000 times, so each thread keeps its own digest.
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Rfc9162Hasher::newSha256);

  private Rfc9162Hasher() {}

  /** SHA-256 of the empty string: the root of a tree with no leaves. */
  public static byte[] emptyRoot() {
    return digest().digest();
  }

  /**
   * The leaf hash SHA-256(0x00 || data).
   *
   * @throws IllegalArgumentException if {@code data} is null
   */
  public static byte[] leafHash(byte[] data) {
    Check.notNull("data", data);
    MessageDigest md = digest();
    md.update(LEAF_PREFIX);
    md.update(data);
    return md.digest();
  }

  /**
   * The inner node hash SHA-256(0x01 || left || right). Both children are hashed as given, so a
   * caller that verifies untrusted input must check their lengths first.
   *
   * @throws IllegalArgumentException if either child is null
   */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    Check.notNull("left", left);
    Check.notNull("right", right);
    MessageDigest md = digest();
    md.update(NODE_PREFIX);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  private static MessageDigest digest() {
    MessageDigest md = SHA256.get();
    md.reset();
    return md;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (java.security.MessageDigest Javadoc).
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
