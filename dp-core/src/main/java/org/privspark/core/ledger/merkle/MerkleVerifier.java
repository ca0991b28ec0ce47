package org.privspark.core.ledger.merkle;

import static org.privspark.core.ledger.merkle.ProofVerificationException.Reason.EMPTY_TREE;
import static org.privspark.core.ledger.merkle.ProofVerificationException.Reason.MALFORMED_HASH;
import static org.privspark.core.ledger.merkle.ProofVerificationException.Reason.SIZE_OUT_OF_RANGE;
import static org.privspark.core.ledger.merkle.ProofVerificationException.Reason.WRONG_PROOF_LENGTH;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.privspark.core.Check;

/**
 * Verifies RFC 9162 inclusion and consistency proofs with the bit-level algorithms of sections
 * 2.1.3.2 and 2.1.4.2. It needs no tree: only sizes, hashes and the proof.
 *
 * <p>Every method returns normally only if the proof is valid, and otherwise throws a {@link
 * ProofVerificationException} with the reason. All sizes and indices, the proof and the hashes are
 * treated as untrusted input: out-of-range numbers and hashes of the wrong length are verification
 * failures, not programming errors. Only null arguments throw {@link IllegalArgumentException}.
 *
 * <p>Beyond the RFC, and like the reference implementation {@code transparency-dev/merkle}, a
 * consistency proof from the empty tree is refused (it would prove nothing), and a proof for equal
 * sizes must be empty with equal roots.
 *
 * <p><b>Caller's duty.</b> A root does not commit to its tree size: a proof can also verify for
 * another size whose tree has the same shape along the path. Take the size and the root from the
 * same signed checkpoint. Thread-safe.
 */
public final class MerkleVerifier {
  private MerkleVerifier() {}

  /**
   * Checks that the leaf with hash {@code leafHash} is at {@code leafIndex} in the tree of {@code
   * treeSize} leaves whose root is {@code root}. Requires {@code 0 <= leafIndex < treeSize}.
   *
   * @throws ProofVerificationException if the proof does not verify
   * @throws IllegalArgumentException if an argument is null
   */
  public static void verifyInclusion(
      long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws ProofVerificationException {
    Check.notNull("root", root);
    byte[] computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
    checkHash("root", root);
    if (!MessageDigest.isEqual(computed, root)) {
      throw ProofVerificationException.rootMismatch(
          "root of tree size " + treeSize, root, computed);
    }
  }

  /**
   * The root that an inclusion proof leads to (RFC 9162 section 2.1.3.2, steps 1 to 4). The caller
   * must compare it with a root it trusts; {@link #verifyInclusion} does that.
   *
   * @throws ProofVerificationException if the index, size, leaf hash or proof length is invalid
   * @throws IllegalArgumentException if an argument is null
   */
  public static byte[] rootFromInclusionProof(
      long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof)
      throws ProofVerificationException {
    Check.notNull("leafHash", leafHash);
    List<byte[]> path = checkedPath(proof);
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new ProofVerificationException(
          SIZE_OUT_OF_RANGE,
          "leafIndex must be in [0, treeSize); got leafIndex="
              + leafIndex
              + ", treeSize="
              + treeSize);
    }
    checkHash("leafHash", leafHash);
    int want = inclusionProofLength(leafIndex, treeSize);
    if (path.size() != want) {
      throw wrongLength(want, path.size(), "leafIndex=" + leafIndex + ", treeSize=" + treeSize);
    }

    // RFC 9162 2.1.3.2: fn walks the leaf's path up the tree, sn the path of the last leaf. Where
    // they meet (fn == sn), the leaf's path runs along the right border, which has no right
    // siblings, so levels are skipped until fn is a right child again.
    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        throw wrongLength(want, path.size(), "the path reached the root early");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Rfc9162Hasher.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = Rfc9162Hasher.nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw wrongLength(want, path.size(), "the path ended below the root");
    }
    return r;
  }

  /**
   * Checks that the tree of {@code size1} leaves with root {@code root1} is a prefix of the tree of
   * {@code size2} leaves with root {@code root2}. Requires {@code 0 < size1 <= size2}; for {@code
   * size1 == size2} the proof must be empty and the roots equal.
   *
   * @throws ProofVerificationException if the proof does not verify
   * @throws IllegalArgumentException if an argument is null
   */
  public static void verifyConsistency(
      long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2)
      throws ProofVerificationException {
    Check.notNull("root1", root1);
    Check.notNull("root2", root2);
    List<byte[]> path = checkedPath(proof);
    if (size1 < 0 || size2 < size1) {
      throw new ProofVerificationException(
          SIZE_OUT_OF_RANGE,
          "sizes must satisfy 0 <= size1 <= size2; got size1=" + size1 + ", size2=" + size2);
    }
    if (size1 == 0) {
      throw new ProofVerificationException(
          EMPTY_TREE,
          "size1 must be >= 1: every tree extends the empty tree, so the proof proves nothing; got"
              + " size1=0, size2="
              + size2);
    }
    if (size1 == size2) {
      if (!path.isEmpty()) {
        throw wrongLength(0, path.size(), "size1 = size2 = " + size1);
      }
      if (!MessageDigest.isEqual(root1, root2)) {
        throw ProofVerificationException.rootMismatch(
            "root2 of equal tree size " + size2, root2, root1);
      }
      return;
    }
    checkHash("root1", root1);
    checkHash("root2", root2);
    int want = consistencyProofLength(size1, size2);
    if (path.size() != want) {
      throw wrongLength(want, path.size(), "size1=" + size1 + ", size2=" + size2);
    }

    // RFC 9162 2.1.4.2. If size1 is a power of 2, the old tree is a complete subtree of the new one
    // and the proof omits its root, so it is prepended.
    List<byte[]> nodes = path;
    if (Long.bitCount(size1) == 1) {
      nodes = new ArrayList<>(path.size() + 1);
      nodes.add(root1);
      nodes.addAll(path);
    }
    long fn = size1 - 1;
    long sn = size2 - 1;
    // Skip the levels where the old tree's last leaf is a right child of a complete subtree: the
    // proof starts at the first level where the two trees differ.
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = nodes.get(0);
    byte[] sr = nodes.get(0);
    for (byte[] c : nodes.subList(1, nodes.size())) {
      if (sn == 0) {
        throw wrongLength(want, path.size(), "the path reached the root early");
      }
      if ((fn & 1) == 1 || fn == sn) {
        // c is a left sibling: part of both trees.
        fr = Rfc9162Hasher.nodeHash(c, fr);
        sr = Rfc9162Hasher.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        // c is a right sibling: it holds leaves appended after size1, so only the new tree has it.
        sr = Rfc9162Hasher.nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw wrongLength(want, path.size(), "the path ended below the root");
    }
    if (!MessageDigest.isEqual(fr, root1)) {
      throw ProofVerificationException.rootMismatch("root1 of tree size " + size1, root1, fr);
    }
    if (!MessageDigest.isEqual(sr, root2)) {
      throw ProofVerificationException.rootMismatch("root2 of tree size " + size2, root2, sr);
    }
  }

  /**
   * The number of hashes in an inclusion proof: the levels below the point where the paths to
   * {@code index} and to the last leaf split, plus one per left sibling above it.
   */
  static int inclusionProofLength(long index, long size) {
    int inner = 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
    return inner + Long.bitCount(index >>> inner);
  }

  /** The number of hashes in a consistency proof for {@code 0 < size1 < size2}. */
  static int consistencyProofLength(long size1, long size2) {
    // The inclusion path of the old tree's last leaf, less the levels inside the complete subtree
    // of 2^shift leaves that it ends with, plus that subtree's root unless it is the whole old
    // tree.
    int shift = Long.numberOfTrailingZeros(size1);
    int start = Long.bitCount(size1) == 1 ? 0 : 1;
    return start + inclusionProofLength(size1 - 1, size2) - shift;
  }

  private static List<byte[]> checkedPath(List<byte[]> proof) throws ProofVerificationException {
    Check.notNull("proof", proof);
    List<byte[]> path = new ArrayList<>(proof.size());
    for (int i = 0; i < proof.size(); i++) {
      byte[] p = Check.notNull("proof[" + i + "]", proof.get(i));
      checkHash("proof[" + i + "]", p);
      path.add(p);
    }
    return path;
  }

  private static void checkHash(String name, byte[] hash) throws ProofVerificationException {
    if (hash.length != Rfc9162Hasher.HASH_SIZE) {
      throw new ProofVerificationException(
          MALFORMED_HASH,
          name + " must be " + Rfc9162Hasher.HASH_SIZE + " bytes long; got " + hash.length);
    }
  }

  private static ProofVerificationException wrongLength(int want, int got, String context) {
    return new ProofVerificationException(
        WRONG_PROOF_LENGTH, "proof must have " + want + " hashes (" + context + "); got " + got);
  }
}
