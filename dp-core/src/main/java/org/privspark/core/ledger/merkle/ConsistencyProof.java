package org.privspark.core.ledger.merkle;

import java.util.List;

/**
 * An RFC 9162 consistency proof: the node hashes showing that the tree of {@code size1} leaves is a
 * prefix of the tree of {@code size2} leaves, i.e. that the log only appended in between. It has at
 * most ⌈log2(size2)⌉ + 1 hashes. The hash arrays are copied in and out, so the record is immutable.
 *
 * <p>Creating a proof checks nothing about it; {@link MerkleVerifier#verifyConsistency} does.
 *
 * @param size1 the size of the older tree
 * @param size2 the size of the newer tree
 * @param path the node hashes, in the order RFC 9162 section 2.1.4.1 produces them
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9162.html#section-2.1.4">RFC 9162, 2.1.4</a>
 */
public record ConsistencyProof(long size1, long size2, List<byte[]> path) {
  /**
   * Copies {@code path}.
   *
   * @throws IllegalArgumentException if {@code path} or one of its elements is null
   */
  public ConsistencyProof {
    path = Hashes.copyOf("path", path);
  }

  /** A deep copy of the node hashes, which the caller may modify. */
  @Override
  public List<byte[]> path() {
    return Hashes.mutableCopy(path);
  }

  /** Checks this proof against the two roots; see {@link MerkleVerifier#verifyConsistency}. */
  public void verify(byte[] root1, byte[] root2) throws ProofVerificationException {
    MerkleVerifier.verifyConsistency(size1, size2, path, root1, root2);
  }

  /** Equal if both sizes and every hash are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ConsistencyProof p
        && size1 == p.size1
        && size2 == p.size2
        && Hashes.equal(path, p.path);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(size1) + Long.hashCode(size2)) + Hashes.hash(path);
  }

  @Override
  public String toString() {
    return "ConsistencyProof[size1="
        + size1
        + ", size2="
        + size2
        + ", path="
        + Hashes.toString(path)
        + "]";
  }
}
