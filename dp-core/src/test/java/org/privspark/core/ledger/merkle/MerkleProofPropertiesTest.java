package org.privspark.core.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Proofs generated for random tree sizes verify, and any single flipped byte makes them fail. */
class MerkleProofPropertiesTest {
  private static final int MAX_SIZE = 3000;
  private static final MerkleTree TREE = new MerkleTree();

  static {
    for (int i = 0; i < MAX_SIZE; i++) {
      TREE.appendLeafData(ByteBuffer.allocate(4).putInt(i).array());
    }
  }

  private static int log2Ceil(long n) {
    return 64 - Long.numberOfLeadingZeros(n - 1);
  }

  @Property(tries = 500)
  void inclusionProof_randomSize_verifiesAndFailsWithFlippedByte(
      @ForAll @IntRange(min = 1, max = MAX_SIZE) int size,
      @ForAll @IntRange(min = 0, max = MAX_SIZE - 1) int rawIndex,
      @ForAll @IntRange(min = 0, max = 1 << 20) int flip)
      throws ProofVerificationException {
    long index = rawIndex % size;
    byte[] root = TREE.root(size);
    InclusionProof proof = TREE.inclusionProof(index, size);
    assertThat(proof.path()).hasSizeLessThanOrEqualTo(log2Ceil(size));
    proof.verify(TREE.leafHash(index), root);

    if (proof.path().isEmpty()) {
      return; // a one-leaf tree: the leaf is the root, flip the root instead
    }
    List<byte[]> bad = proof.path();
    byte[] element = bad.get(flip % bad.size());
    element[(flip >>> 8) % element.length] ^= (byte) (1 << (flip % 8));
    assertThatThrownBy(
            () -> MerkleVerifier.verifyInclusion(index, size, TREE.leafHash(index), bad, root))
        .isInstanceOf(ProofVerificationException.class);
  }

  @Property(tries = 500)
  void consistencyProof_randomSizes_verifiesAndFailsWithFlippedByte(
      @ForAll @IntRange(min = 1, max = MAX_SIZE) int size2,
      @ForAll @IntRange(min = 1, max = MAX_SIZE) int rawSize1,
      @ForAll @IntRange(min = 0, max = 1 << 20) int flip)
      throws ProofVerificationException {
    long size1 = 1 + (rawSize1 - 1) % size2;
    byte[] root1 = TREE.root(size1);
    byte[] root2 = TREE.root(size2);
    ConsistencyProof proof = TREE.consistencyProof(size1, size2);
    assertThat(proof.path()).hasSizeLessThanOrEqualTo(log2Ceil(size2) + 1);
    proof.verify(root1, root2);

    byte[] badRoot2 = root2.clone();
    badRoot2[flip % 32] ^= (byte) (1 << (flip % 8));
    assertThatThrownBy(() -> proof.verify(root1, badRoot2))
        .isInstanceOf(ProofVerificationException.class);
    if (proof.path().isEmpty()) {
      return;
    }
    List<byte[]> bad = proof.path();
    byte[] element = bad.get(flip % bad.size());
    element[(flip >>> 8) % element.length] ^= (byte) (1 << (flip % 8));
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(size1, size2, bad, root1, root2))
        .isInstanceOf(ProofVerificationException.class);
  }
}
