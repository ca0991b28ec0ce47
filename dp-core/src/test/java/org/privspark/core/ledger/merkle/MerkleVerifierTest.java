package org.privspark.core.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.privspark.core.ledger.merkle.ProofVerificationException.Reason;

/**
 * Each tamper case of STYLE.md: index or size off, roots swapped, bits flipped, truncated, padded.
 */
class MerkleVerifierTest {
  private MerkleTree tree;

  @BeforeEach
  void setUp() {
    tree = new MerkleTree();
    for (int i = 0; i < 13; i++) {
      tree.appendLeafData(ByteBuffer.allocate(4).putInt(i).array());
    }
  }

  private static Reason inclusionFailure(
      long index, long size, byte[] leaf, List<byte[]> proof, byte[] root) {
    ProofVerificationException e =
        catchThrowableOfType(
            ProofVerificationException.class,
            () -> MerkleVerifier.verifyInclusion(index, size, leaf, proof, root));
    assertThat(e).as("expected rejection").isNotNull();
    return e.reason();
  }

  private static Reason consistencyFailure(
      long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2) {
    ProofVerificationException e =
        catchThrowableOfType(
            ProofVerificationException.class,
            () -> MerkleVerifier.verifyConsistency(size1, size2, proof, root1, root2));
    assertThat(e).as("expected rejection").isNotNull();
    return e.reason();
  }

  @Test
  void verifyInclusion_validProof_returns() throws ProofVerificationException {
    for (long i = 0; i < 13; i++) {
      tree.inclusionProof(i, 13).verify(tree.leafHash(i), tree.root());
    }
  }

  @Test
  void verifyInclusion_flippedBitInEachElement_rejectsWithRootMismatch() {
    List<byte[]> path = tree.inclusionProof(5, 13).path();
    for (int i = 0; i < path.size(); i++) {
      List<byte[]> bad = tree.inclusionProof(5, 13).path();
      bad.get(i)[7] ^= 0x10;
      assertThat(inclusionFailure(5, 13, tree.leafHash(5), bad, tree.root()))
          .isEqualTo(Reason.ROOT_MISMATCH);
    }
  }

  @Test
  void verifyInclusion_rootMismatch_carriesExpectedAndComputedRoots() {
    byte[] wrongRoot = tree.root(12);
    ProofVerificationException e =
        catchThrowableOfType(
            ProofVerificationException.class,
            () -> tree.inclusionProof(5, 13).verify(tree.leafHash(5), wrongRoot));
    assertThat(e.reason()).isEqualTo(Reason.ROOT_MISMATCH);
    assertThat(e.expected()).isEqualTo(wrongRoot);
    assertThat(e.computed()).isEqualTo(tree.root());
    assertThat(e.getMessage()).contains("ROOT_MISMATCH", "root of tree size 13");
  }

  @Test
  void verifyInclusion_truncatedOrPaddedProof_rejectsWithWrongLength() {
    List<byte[]> path = tree.inclusionProof(5, 13).path();
    List<byte[]> truncated = path.subList(0, path.size() - 1);
    List<byte[]> padded = new ArrayList<>(path);
    padded.add(tree.root());
    List<byte[]> prefixed = new ArrayList<>(path);
    prefixed.add(0, tree.leafHash(4));
    for (List<byte[]> bad : List.of(truncated, padded, prefixed, List.<byte[]>of())) {
      assertThat(inclusionFailure(5, 13, tree.leafHash(5), bad, tree.root()))
          .isEqualTo(Reason.WRONG_PROOF_LENGTH);
    }
  }

  @Test
  void verifyInclusion_indexOrSizeChanged_rejects() {
    List<byte[]> path = tree.inclusionProof(5, 13).path();
    byte[] leaf = tree.leafHash(5);
    assertThat(inclusionFailure(4, 13, leaf, path, tree.root())).isNotNull();
    assertThat(inclusionFailure(6, 13, leaf, path, tree.root())).isNotNull();
    // Size 12 would pass: its path for leaf 5 has the same shape, and the root alone does not bind
    // the size. That is why a signed checkpoint signs the size together with the root.
    assertThat(inclusionFailure(5, 8, leaf, path, tree.root())).isNotNull();
    assertThat(inclusionFailure(5, 26, leaf, path, tree.root())).isNotNull();
    assertThat(inclusionFailure(13, 13, leaf, path, tree.root()))
        .isEqualTo(Reason.SIZE_OUT_OF_RANGE);
    assertThat(inclusionFailure(-1, 13, leaf, path, tree.root()))
        .isEqualTo(Reason.SIZE_OUT_OF_RANGE);
    assertThat(inclusionFailure(0, 0, leaf, List.of(), Rfc9162Hasher.emptyRoot()))
        .isEqualTo(Reason.SIZE_OUT_OF_RANGE);
  }

  @Test
  void verifyInclusion_shortLeafHashOrProofHash_rejectsAsMalformed() {
    List<byte[]> path = tree.inclusionProof(5, 13).path();
    assertThat(inclusionFailure(5, 13, new byte[31], path, tree.root()))
        .isEqualTo(Reason.MALFORMED_HASH);
    path.set(1, new byte[33]);
    assertThat(inclusionFailure(5, 13, tree.leafHash(5), path, tree.root()))
        .isEqualTo(Reason.MALFORMED_HASH);
  }

  @Test
  void verifyInclusion_nullArgument_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(0, 1, null, List.of(), new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leafHash must not be null");
  }

  @Test
  void verifyConsistency_validProofs_return() throws ProofVerificationException {
    for (long m = 1; m <= 13; m++) {
      tree.consistencyProof(m, 13).verify(tree.root(m), tree.root());
    }
  }

  @Test
  void verifyConsistency_flippedBitInEachElement_rejectsWithRootMismatch() {
    List<byte[]> path = tree.consistencyProof(6, 13).path();
    for (int i = 0; i < path.size(); i++) {
      List<byte[]> bad = tree.consistencyProof(6, 13).path();
      bad.get(i)[0] ^= 1;
      assertThat(consistencyFailure(6, 13, bad, tree.root(6), tree.root()))
          .isEqualTo(Reason.ROOT_MISMATCH);
    }
  }

  @Test
  void verifyConsistency_swappedOrWrongRoots_rejectsWithRootMismatch() {
    List<byte[]> path = tree.consistencyProof(6, 13).path();
    assertThat(consistencyFailure(6, 13, path, tree.root(), tree.root(6)))
        .isEqualTo(Reason.ROOT_MISMATCH);
    assertThat(consistencyFailure(6, 13, path, tree.root(7), tree.root()))
        .isEqualTo(Reason.ROOT_MISMATCH);
    assertThat(consistencyFailure(6, 13, path, tree.root(6), tree.root(12)))
        .isEqualTo(Reason.ROOT_MISMATCH);
  }

  @Test
  void verifyConsistency_rewrittenHistory_rejects() {
    // Same sizes, but the newer tree changed leaf 2: the old root no longer fits inside it.
    MerkleTree forged = new MerkleTree();
    for (long i = 0; i < 13; i++) {
      forged.append(i == 2 ? Rfc9162Hasher.leafHash(new byte[] {42}) : tree.leafHash(i));
    }
    List<byte[]> path = forged.consistencyProof(6, 13).path();
    assertThat(consistencyFailure(6, 13, path, tree.root(6), forged.root()))
        .isEqualTo(Reason.ROOT_MISMATCH);
  }

  @Test
  void verifyConsistency_truncatedPaddedOrReorderedProof_rejects() {
    List<byte[]> path = tree.consistencyProof(6, 13).path();
    List<byte[]> padded = new ArrayList<>(path);
    padded.add(tree.root());
    List<byte[]> reversed = new ArrayList<>(path);
    Collections.reverse(reversed);
    assertThat(consistencyFailure(6, 13, path.subList(1, path.size()), tree.root(6), tree.root()))
        .isEqualTo(Reason.WRONG_PROOF_LENGTH);
    assertThat(consistencyFailure(6, 13, padded, tree.root(6), tree.root()))
        .isEqualTo(Reason.WRONG_PROOF_LENGTH);
    assertThat(consistencyFailure(6, 13, reversed, tree.root(6), tree.root()))
        .isEqualTo(Reason.ROOT_MISMATCH);
  }

  @Test
  void verifyConsistency_sizesOutOfOrderOrEmpty_rejectsWithReason() {
    assertThat(consistencyFailure(7, 6, List.of(), tree.root(7), tree.root(6)))
        .isEqualTo(Reason.SIZE_OUT_OF_RANGE);
    assertThat(consistencyFailure(-1, 6, List.of(), tree.root(0), tree.root(6)))
        .isEqualTo(Reason.SIZE_OUT_OF_RANGE);
    assertThat(consistencyFailure(0, 0, List.of(), tree.root(0), tree.root(0)))
        .isEqualTo(Reason.EMPTY_TREE);
    assertThat(consistencyFailure(0, 6, List.of(), tree.root(0), tree.root(6)))
        .isEqualTo(Reason.EMPTY_TREE);
  }

  @Test
  void verifyConsistency_equalSizes_needEmptyProofAndEqualRoots()
      throws ProofVerificationException {
    MerkleVerifier.verifyConsistency(6, 6, List.of(), tree.root(6), tree.root(6));
    assertThat(consistencyFailure(6, 6, List.of(tree.root()), tree.root(6), tree.root(6)))
        .isEqualTo(Reason.WRONG_PROOF_LENGTH);
    assertThat(consistencyFailure(6, 6, List.of(), tree.root(6), tree.root(5)))
        .isEqualTo(Reason.ROOT_MISMATCH);
  }

  @Test
  void proofLengths_matchGeneratedProofs() {
    for (long n = 1; n <= 13; n++) {
      for (long m = 0; m < n; m++) {
        assertThat(MerkleVerifier.inclusionProofLength(m, n))
            .isEqualTo(tree.inclusionProof(m, n).path().size());
      }
      for (long m = 1; m < n; m++) {
        assertThat(MerkleVerifier.consistencyProofLength(m, n))
            .isEqualTo(tree.consistencyProof(m, n).path().size());
      }
    }
  }
}
