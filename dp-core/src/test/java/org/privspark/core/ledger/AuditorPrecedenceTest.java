package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.privspark.core.ledger.StructuralTamperCases.assertRejected;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.merkle.Rfc9162Hasher;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.ledger.note.SignedNotes;

/**
 * The auditor judges the files' structure (leaf hashes, chain, the signed and the saved
 * checkpoints) before their content: until a signed checkpoint covers a leaf, its content is
 * whatever the store says, and a storage attacker must not choose the reason or the figures of a
 * rejection. And a ledger removed under a checkpoint the auditor saved is a rollback.
 */
class AuditorPrecedenceTest {
  @TempDir Path dir;
  private LedgerFixture f;
  private String savedAfterTwo;

  /** Budget ε = 2; three spends of 0.25. */
  @BeforeEach
  void threeEntries() {
    f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    savedAfterTwo = f.spend(0.25, "q2").checkpoint();
    f.spend(0.25, "q3");
  }

  /**
   * ledger.json's budget lowered to ε = 0.3 and the entries chained afresh: what anyone can do
   * without the key.
   */
  private void lowerTheBudgetAndReChain() throws Exception {
    Path genesisFile = f.store.root().resolve(LedgerLayout.GENESIS);
    LedgerGenesis g = LedgerGenesis.decode(Files.readAllBytes(genesisFile));
    byte[] lowered =
        new LedgerGenesis(
                g.origin(),
                g.createdMillis(),
                g.mode(),
                0.3,
                g.budgetDelta(),
                g.grid(),
                g.publicKey(),
                g.formatVersion(),
                g.unit())
            .encode();
    Files.write(genesisFile, lowered);
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(lowered);
    for (LedgerEntry e : f.entries()) {
      long seq = tree.size();
      byte[] bytes =
          new LedgerEntry(
                  seq,
                  e.timeMillis(),
                  e.origin(),
                  tree.leafHash(seq - 1),
                  e.releaseId(),
                  e.mechanism(),
                  e.event(),
                  e.cost(),
                  e.commitments(),
                  e.confidentialCost(),
                  e.unit())
              .encode();
      Files.write(f.entry(seq), bytes);
      tree.appendLeafData(bytes);
    }
  }

  /**
   * The review's attack: the old auditor judged the unsigned entries against the unsigned budget
   * first, and blamed the holder with the attacker's figures ("BUDGET_EXCEEDED at entry 2: … the
   * total reaches epsilon 0.5 … against the budget (0.3, 1.0E-6)"). The signed checkpoint's root no
   * longer matches: that is the finding, with no figure.
   */
  @Test
  void budgetLoweredWithoutTheKey_isARootMismatch_notTheHoldersOverspend() throws Exception {
    lowerTheBudgetAndReChain();
    AuditReport r = f.verify();
    assertRejected(r, Reason.ROOT_MISMATCH, -1);
    assertThat(r.message())
        .doesNotContain("0.3")
        .doesNotContain("0.5")
        .doesNotContain("E-6")
        .doesNotContain("budget");
    assertThat(r.budgetEpsilon()).isNaN();
  }

  /** The same ledger signed by the holder is the holder's overspend, reported without a figure. */
  @Test
  void budgetExceededUnderTheHoldersSignature_isReportedWithoutFigures() throws Exception {
    lowerTheBudgetAndReChain();
    f.rewriteWithRealKey(f.entries());
    AuditReport r = f.verify();
    assertRejected(r, Reason.BUDGET_EXCEEDED, 2);
    assertThat(r.message()).isEqualTo("BUDGET_EXCEEDED at entry 2: the total exceeds the budget");
  }

  /**
   * An entry past the budget appended and chained without the key: unsigned, not the holder's
   * overspend.
   */
  @Test
  void entryPastTheBudgetAppendedWithoutTheKey_isUnsigned() throws Exception {
    LedgerEntry last = f.read(3);
    var big = LedgerFixture.laplace(5);
    byte[] id = last.releaseId().clone();
    id[0] ^= 1;
    LedgerEntry extra =
        new LedgerEntry(
            4,
            last.timeMillis(),
            last.origin(),
            Rfc9162Hasher.leafHash(Files.readAllBytes(f.entry(3))),
            id,
            last.mechanism(),
            big,
            FixedPointCost.of(big, LedgerFixture.GRID),
            last.commitments());
    Files.write(f.entry(4), extra.encode());
    AuditReport r = f.verify();
    assertRejected(r, Reason.UNSIGNED_ENTRIES, 4);
    assertThat(r.message()).doesNotContain("epsilon");
    // Nor a count: the store's leaf counts are unverified (the review found "the ledger's 5 leaves
    // (newest covers 4)"). The failing leaf is the report's index, nothing more.
    assertThat(withoutLeaf(r)).doesNotContainPattern("[0-9]");
  }

  /**
   * The message after its "REASON at entry N: " prefix (the failing leaf, which a rejection names).
   */
  private static String withoutLeaf(AuditReport r) {
    String prefix = r.reason() + " at entry " + r.failedIndex() + ": ";
    assertThat(r.message()).startsWith(prefix);
    return r.message().substring(prefix.length());
  }

  /** Entries removed below the newest checkpoint: the rejection quotes neither count. */
  @Test
  void entriesRemovedBelowTheNewestCheckpoint_isReportedWithoutLeafCounts() throws Exception {
    Files.delete(f.entry(3));
    AuditReport r = f.verify();
    assertRejected(r, Reason.MISSING_ENTRY, 3);
    assertThat(withoutLeaf(r)).doesNotContainPattern("[0-9]");
  }

  /**
   * Third review: the newest checkpoint replaced by a note signed with other keys, whose names an
   * attacker chose ("spent_epsilon=0.03_of_2.0", …). The rejection said "none of the 3 signatures
   * is by a known key; signed by [spent_epsilon=0.03_of_2.0+…]": figures of the attacker's choosing
   * in the REJECTED line. It now gives the auditor's own words only.
   */
  @Test
  void checkpointSignedByOtherKeys_echoesNothingOfTheNote() throws Exception {
    Path head = f.store.root().resolve(LedgerLayout.head(4));
    String text = SignedNotes.open(Files.readAllBytes(head), List.of(f.signer.verifier())).text();
    Files.writeString(
        head,
        SignedNotes.sign(
            text,
            NoteSigner.generate("spent_epsilon=0.03_of_2.0"),
            NoteSigner.generate("remaining_epsilon=1.97"),
            NoteSigner.generate("entries=1234567")));
    AuditReport r = f.verify();
    assertThat(r.intact()).isFalse();
    assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(r.message())
        .doesNotContain("spent_epsilon", "remaining", "entries=", "1234567", "3 signatures");
  }

  /**
   * A history rewritten with the key, with a cost that does not match its mechanism: the holder's
   * own checkpoint covers it (COST_MISMATCH), but a saved checkpoint shows the rewrite, which comes
   * first.
   */
  @Test
  void savedCheckpoint_comesBeforeTheContent() throws Exception {
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e = entries.get(1);
    entries.set(
        1,
        new LedgerEntry(
            e.seq(),
            e.timeMillis(),
            e.origin(),
            e.previousLeafHash(),
            e.releaseId(),
            e.mechanism(),
            LedgerFixture.laplace(0.01),
            e.cost(),
            e.commitments()));
    f.rewriteWithRealKey(entries);
    assertRejected(f.verify(), Reason.COST_MISMATCH, 2);
    assertRejected(f.verify(savedAfterTwo), Reason.INCONSISTENT_CHECKPOINT, -1);
  }

  /**
   * An entry that does not parse is still hashed: without the key the next entry's chain breaks
   * (the last entry: the root), and only under the holder's signature is it called malformed.
   */
  @Test
  void unparseableEntry_isJudgedAfterTheStructure() throws Exception {
    byte[] garbage = "{\"seq\":".getBytes(StandardCharsets.UTF_8);
    Files.write(f.entry(3), garbage);
    assertRejected(f.verify(), Reason.ROOT_MISMATCH, -1);
    f.replaceWithRealKey(3, garbage);
    assertRejected(f.verify(), Reason.MALFORMED, 3);
    assertRejected(f.verify(savedAfterTwo), Reason.MALFORMED, 3);
  }

  /**
   * ledger.json that does not parse (here: a negative budget) is hashed as leaf 0 all the same: the
   * signed checkpoint's root no longer matches. The old auditor printed the attacker's budget
   * ("MALFORMED at entry 0: … got -0.3"). Under the holder's signature it is malformed.
   */
  @Test
  void unparseableLedgerJson_isJudgedAfterTheStructure() throws Exception {
    Path genesis = f.store.root().resolve(LedgerLayout.GENESIS);
    String text = Files.readString(genesis, StandardCharsets.UTF_8);
    Files.writeString(
        genesis,
        text.replace("\"budget\":{\"epsilon\":2.0,", "\"budget\":{\"epsilon\":-0.3,"),
        StandardCharsets.UTF_8);
    byte[] bytes = Files.readAllBytes(genesis);
    assertThat(catchThrowable(() -> LedgerGenesis.decode(bytes)))
        .isInstanceOf(LedgerException.class);
    AuditReport r = f.verify();
    assertRejected(r, Reason.ROOT_MISMATCH, -1);
    assertThat(r.message()).doesNotContain("0.3");

    f.rewriteWithRealKey(f.entries());
    assertRejected(f.verify(), Reason.MALFORMED, 0);
  }

  /**
   * Judging the content after the structure still reads each file once, the leaves after a finding
   * included.
   */
  @Test
  void deferredContentChecks_readEachFileOnce() throws Exception {
    lowerTheBudgetAndReChain();
    f.rewriteWithRealKey(f.entries());
    ReadRecordingStore store = new ReadRecordingStore(f.store);
    AuditReport r =
        new org.privspark.core.audit.LedgerVerifier(f.signer.verifier()).verify(store, List.of());
    assertRejected(r, Reason.BUDGET_EXCEEDED, 2);
    assertThat(store.reads())
        .containsKeys(LedgerLayout.GENESIS, LedgerEntry.path(3), LedgerLayout.head(4))
        .allSatisfy((path, n) -> assertThat(n).as(path).isOne());
  }

  // ------------------------------------------------------------------------ a ledger removed

  private void removeEverythingUnder(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(root)).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The saved checkpoint proves 3 leaves; the store has none: a rollback, not a missing ledger. */
  @Test
  void emptiedLedger_underASavedCheckpoint_isARollback() throws Exception {
    removeEverythingUnder(f.store.root());
    AuditReport r = f.verify(savedAfterTwo);
    assertRejected(r, Reason.INCONSISTENT_CHECKPOINT, 0);
    assertThat(r.message())
        .contains("saved checkpoint 1 covers 3 leaves")
        .contains("removed or rolled back");
    Files.delete(f.store.root());
    assertRejected(f.verify(savedAfterTwo), Reason.INCONSISTENT_CHECKPOINT, 0);
  }

  /** Without a saved checkpoint, nothing proves a ledger was there: ledger.json is missing. */
  @Test
  void emptiedLedger_withoutASavedCheckpoint_isAMissingLedgerJson() throws Exception {
    removeEverythingUnder(f.store.root());
    assertRejected(f.verify(), Reason.GENESIS_MISMATCH, 0);
  }

  /** A "saved checkpoint" that is not signed with the auditor's key proves nothing. */
  @Test
  void emptiedLedger_underACheckpointSignedByAnotherKey_isThatCheckpointsFailure()
      throws Exception {
    removeEverythingUnder(f.store.root());
    String body = savedAfterTwo.substring(0, savedAfterTwo.indexOf("\n\n") + 1);
    String foreign = SignedNotes.sign(body, NoteSigner.generate(LedgerFixture.ORIGIN));
    assertRejected(f.verify(foreign), Reason.UNKNOWN_KEY, -1);
  }
}
