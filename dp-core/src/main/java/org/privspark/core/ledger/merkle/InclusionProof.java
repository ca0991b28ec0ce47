package org.privspark.core.ledger.merkle;

import java.util.List;

/**
 * An RFC 9162 inclusion proof (audit path): the sibling hashes, bottom-up, that lead from the leaf
 * at {@code leafIndex} to the root of the tree of {@code treeSize} leaves. It has at most
 * ⌈log2(treeSize)⌉ hashes. The hash arrays are copied in and out, so the record is immutable.
 *
 * <p>Creating a proof checks nothing about it; {@link MerkleVerifier#verifyInclusion} does.
 *
 * @param leafIndex the leaf's 0-based index
 * @param treeSize the number of leaves in the tree the proof is for
 * @param path the sibling hashes, from the leaf's level upwards
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9162.html#section-2.1.3">RFC 9162, 2.1.3</a>
 */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> path) {
  /**
   * Copies {@code path}.
   *
   * @throws IllegalArgumentException if {@code path} or one of its elements is null
   */
  public InclusionProof {
    path = Hashes.copyOf("path", path);
  }

  /** A deep copy of the sibling hashes, which the caller may modify. */
  @Override
  public List<byte[]> path() {
    return Hashes.mutableCopy(path);
  }

  /**
   * Checks this proof for {@code leafHash} against {@code root}; see {@link
   * MerkleVerifier#verifyInclusion}.
   */
  public void verify(byte[] leafHash, byte[] root) throws ProofVerificationException {
    MerkleVerifier.verifyInclusion(leafIndex, treeSize, leafHash, path, root);
  }

  /** Equal if the index, size and every hash are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof InclusionProof p
        && leafIndex == p.leafIndex
        && treeSize == p.treeSize
        && Hashes.equal(path, p.path);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(leafIndex) + Long.hashCode(treeSize)) + Hashes.hash(path);
  }

  @Override
  public String toString() {
    return "InclusionProof[leafIndex="
        + leafIndex
        + ", treeSize="
        + treeSize
        + ", path="
        + Hashes.toString(path)
        + "]";
  }
}
