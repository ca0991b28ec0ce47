package org.privspark.core.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.privspark.core.ledger.merkle.MerkleTree;

class CheckpointTest {
  /** The body of the example in the C2SP tlog-checkpoint specification. */
  private static final String SPEC_EXAMPLE =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

  @Test
  void parse_specExample_readsAllFieldsAndFormatsBack() {
    Checkpoint c = Checkpoint.parse(SPEC_EXAMPLE);
    assertThat(c.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(c.size()).isEqualTo(20852163L);
    assertThat(c.rootHash())
        .isEqualTo(Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
    assertThat(c.extensions()).isEmpty();
    assertThat(c.format()).isEqualTo(SPEC_EXAMPLE);
  }

  @Test
  void parse_extensionLines_areKeptInOrder() {
    Checkpoint c = Checkpoint.parse(SPEC_EXAMPLE + "ext one\n\u2014 two\n");
    assertThat(c.extensions()).containsExactly("ext one", "\u2014 two");
    assertThat(Checkpoint.parse(c.format())).isEqualTo(c);
  }

  @Test
  void signedCheckpoint_ofAMerkleTree_roundTrips() throws NoteVerificationException {
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(new byte[] {1});
    tree.appendLeafData(new byte[] {2});
    NoteSigner log = NoteSigner.fromSeed("ledger.example/budget-1", new byte[32]);
    Checkpoint head = Checkpoint.of(log.name(), tree.size(), tree.root());
    String note = SignedNotes.sign(head.format(), log);

    Checkpoint opened = Checkpoint.parse(SignedNotes.open(note, List.of(log.verifier())).text());
    assertThat(opened).isEqualTo(head);
    assertThat(opened.rootHash()).isEqualTo(tree.root(2));
  }

  @Test
  void parse_emptyTree_isSizeZero() {
    Checkpoint c = Checkpoint.of("o", 0, new byte[32]);
    assertThat(Checkpoint.parse(c.format()).size()).isZero();
  }

  @Test
  void parse_malformedTexts_throwIllegalArgumentException() {
    String root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    String[] bad = {
      "",
      "o\n1\n" + root, // no final newline
      "o\n1\n", // two lines
      "\n1\n" + root + "\n", // empty origin
      "o\n01\n" + root + "\n", // leading zero
      "o\n+1\n" + root + "\n",
      "o\n-1\n" + root + "\n",
      "o\n 1\n" + root + "\n",
      "o\n1.0\n" + root + "\n",
      "o\n9223372036854775808\n" + root + "\n", // 2^63
      "o\n99999999999999999999\n" + root + "\n",
      "o\n1\n" + root.replace("=", "") + "\n", // unpadded
      "o\n1\n" + root.substring(4) + "\n", // 29 bytes
      "o\n1\nAAAA" + root + "\n", // 35 bytes
      "o\n1\n" + root + "\n\n", // empty extension line
      "o\n1\n" + root + "\next\n\n",
      "o\r\n1\n" + root + "\n", // control character
    };
    for (String text : bad) {
      assertThatThrownBy(() -> Checkpoint.parse(text))
          .as(text.replace("\n", "\\n"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void parse_hugeButValidSize_isAccepted() {
    String text = "o\n9223372036854775807\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    assertThat(Checkpoint.parse(text).size()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void constructor_invalidComponents_throwIllegalArgumentException() {
    assertThatThrownBy(() -> Checkpoint.of("o", -1, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be >= 0; got -1");
    assertThatThrownBy(() -> Checkpoint.of("o", 1, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rootHash must be 32 bytes long; got 31");
    assertThatThrownBy(() -> Checkpoint.of("a\nb", 1, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("origin must be a non-empty line without control characters");
    assertThatThrownBy(() -> new Checkpoint("o", 1, new byte[32], List.of("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("extensions[0] must be a non-empty line");
  }

  @Test
  void rootHash_isCopiedInAndOut() {
    byte[] root = new byte[32];
    Checkpoint c = Checkpoint.of("o", 1, root);
    root[0] = 1;
    c.rootHash()[1] = 1;
    assertThat(c.rootHash()).isEqualTo(new byte[32]);
    assertThat(c).isEqualTo(Checkpoint.of("o", 1, new byte[32]));
    assertThat(c.hashCode()).isEqualTo(Checkpoint.of("o", 1, new byte[32]).hashCode());
  }
}
