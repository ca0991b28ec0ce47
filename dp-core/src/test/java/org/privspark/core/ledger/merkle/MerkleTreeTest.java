package org.privspark.core.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  private static JsonNode referenceTree() throws IOException {
    try (InputStream in =
        MerkleTreeTest.class.getResourceAsStream("/vectors/rfc6962-merkle/reference-tree.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static byte[] leaf(int i) {
    return Rfc9162Hasher.leafHash(ByteBuffer.allocate(4).putInt(i).array());
  }

  private static MerkleTree treeOf(int n, List<byte[]> leavesOut) {
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < n; i++) {
      byte[] h = leaf(i);
      leavesOut.add(h);
      tree.append(h);
    }
    return tree;
  }

  /** The root signed before an append equals the root after it, at every size up to 300. */
  @Test
  void rootWithAppended_equalsTheRootAfterAppending() {
    MerkleTree tree = new MerkleTree();
    for (int n = 0; n < 300; n++) {
      byte[] leaf = Rfc9162Hasher.leafHash(ByteBuffer.allocate(4).putInt(n).array());
      byte[] predicted = tree.rootWithAppended(leaf);
      tree.append(leaf);
      assertThat(predicted).as("size %d", n + 1).isEqualTo(tree.root());
    }
  }

  @Test
  void root_referenceTree_matchesRootForEverySize() throws IOException {
    JsonNode ref = referenceTree();
    MerkleTree tree = new MerkleTree();
    assertThat(HEX.formatHex(tree.root()))
        .isEqualTo(ref.get("root_hash_by_tree_size_hex").get("0").asText());
    for (JsonNode input : ref.get("leaf_inputs_hex")) {
      tree.appendLeafData(HEX.parseHex(input.asText()));
      assertThat(HEX.formatHex(tree.root()))
          .as("root of size %d", tree.size())
          .isEqualTo(
              ref.get("root_hash_by_tree_size_hex").get(Long.toString(tree.size())).asText());
    }
    for (int size = 0; size <= 8; size++) {
      assertThat(HEX.formatHex(tree.root(size)))
          .as("prefix root of size %d", size)
          .isEqualTo(ref.get("root_hash_by_tree_size_hex").get(Integer.toString(size)).asText());
    }
  }

  @Test
  void completeSubtrees_referenceTree_matchNodeHashesByLevel() throws IOException {
    JsonNode ref = referenceTree();
    MerkleTree tree = new MerkleTree();
    List<byte[]> leaves = new ArrayList<>();
    for (JsonNode input : ref.get("leaf_inputs_hex")) {
      leaves.add(tree.leafHash(tree.appendLeafData(HEX.parseHex(input.asText()))));
    }
    JsonNode levels = ref.get("node_hashes_by_level_hex");
    for (int k = 0; k < levels.size(); k++) {
      for (int i = 0; i < levels.get(k).size(); i++) {
        String want = levels.get(k).get(i).asText();
        // Node i of level k covers leaves [i * 2^k, (i + 1) * 2^k).
        assertThat(HEX.formatHex(ReferenceMerkle.mth(leaves, i << k, (i + 1) << k)))
            .as("reference node %d of level %d", i, k)
            .isEqualTo(want);
        if (i == 0) {
          assertThat(HEX.formatHex(tree.root(1L << k))).as("root(2^%d)", k).isEqualTo(want);
        }
      }
    }
  }

  @Test
  void rootAndProofs_everySizeUpTo70_matchReferenceImplementation() {
    List<byte[]> leaves = new ArrayList<>();
    MerkleTree tree = treeOf(70, leaves);
    for (int n = 0; n <= 70; n++) {
      assertThat(tree.root(n)).as("root(%d)", n).isEqualTo(ReferenceMerkle.mth(leaves, 0, n));
      for (int m = 0; m < n; m++) {
        assertThat(
                Hashes.equal(
                    tree.inclusionProof(m, n).path(), ReferenceMerkle.path(leaves, m, 0, n)))
            .as("PATH(%d, %d)", m, n)
            .isTrue();
      }
      for (int m = 1; m <= n; m++) {
        assertThat(
                Hashes.equal(
                    tree.consistencyProof(m, n).path(),
                    ReferenceMerkle.subproof(leaves, m, 0, n, true)))
            .as("PROOF(%d, %d)", m, n)
            .isTrue();
      }
    }
  }

  @Test
  void root_100kLeaves_matchesReferenceAndProofsVerify() throws ProofVerificationException {
    List<byte[]> leaves = new ArrayList<>();
    MerkleTree tree = treeOf(100_000, leaves);
    byte[] root = tree.root();
    assertThat(root).isEqualTo(ReferenceMerkle.mth(leaves, 0, 100_000));
    InclusionProof inclusion = tree.inclusionProof(77_777, 100_000);
    assertThat(inclusion.path()).hasSizeLessThanOrEqualTo(17);
    inclusion.verify(leaves.get(77_777), root);
    ConsistencyProof consistency = tree.consistencyProof(65_537, 100_000);
    assertThat(consistency.path()).hasSizeLessThanOrEqualTo(18);
    consistency.verify(tree.root(65_537), root);
  }

  @Test
  void append_returnsIndexAndCopiesInput() {
    MerkleTree tree = new MerkleTree();
    byte[] h = leaf(0);
    assertThat(tree.append(h)).isZero();
    assertThat(tree.append(leaf(1))).isEqualTo(1);
    h[0] ^= 1;
    assertThat(tree.leafHash(0)).isEqualTo(leaf(0));
    tree.leafHash(0)[0] ^= 1;
    assertThat(tree.leafHash(0)).isEqualTo(leaf(0));
  }

  @Test
  void append_wrongLength_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> new MerkleTree().append(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leafHash must be 32 bytes long; got 31");
    assertThatThrownBy(() -> new MerkleTree().append(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void root_sizeBeyondTree_throwsIllegalArgumentException() {
    MerkleTree tree = treeOf(3, new ArrayList<>());
    assertThatThrownBy(() -> tree.root(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("treeSize must be in [0, 3] (the tree's size); got 4");
    assertThatThrownBy(() -> tree.root(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void inclusionProof_indexNotBelowSize_throwsIllegalArgumentException() {
    MerkleTree tree = treeOf(3, new ArrayList<>());
    assertThatThrownBy(() -> tree.inclusionProof(2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leafIndex must be in [0, 2); got 2");
    assertThatThrownBy(() -> tree.inclusionProof(0, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void consistencyProof_fromEmptyTreeOrBackwards_throwsIllegalArgumentException() {
    MerkleTree tree = treeOf(3, new ArrayList<>());
    assertThatThrownBy(() -> tree.consistencyProof(0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size1 must be in [1, size2 = 3]; got 0");
    assertThatThrownBy(() -> tree.consistencyProof(3, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tree.consistencyProof(3, 3).path()).isEmpty();
  }

  @Test
  void proofRecords_areImmutableValues() {
    MerkleTree tree = treeOf(5, new ArrayList<>());
    InclusionProof p = tree.inclusionProof(1, 5);
    p.path().get(0)[0] ^= 1;
    p.path().clear();
    assertThat(p).isEqualTo(tree.inclusionProof(1, 5));
    assertThat(p.hashCode()).isEqualTo(tree.inclusionProof(1, 5).hashCode());
    assertThat(p).isNotEqualTo(tree.inclusionProof(2, 5));
    assertThat(p.toString()).startsWith("InclusionProof[leafIndex=1, treeSize=5, path=[");
    assertThat(tree.consistencyProof(2, 5)).isEqualTo(tree.consistencyProof(2, 5));
  }
}
