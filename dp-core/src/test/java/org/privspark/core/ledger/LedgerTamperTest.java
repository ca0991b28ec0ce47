package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.note.NoteSigner;

/** Each way of tampering with a ledger, and the reason the auditor gives for rejecting it. */
class LedgerTamperTest extends StructuralTamperCases {
  @TempDir Path dir;
  private String checkpointAfterThree;

  /** Budget ε = 2; four spends of 0.25 (ε 1.0 in all). */
  @BeforeEach
  void fourEntries() throws Exception {
    f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    f.spend(0.25, "q2");
    checkpointAfterThree = f.spend(0.25, "q3").checkpoint();
    f.spend(0.25, "q4");
  }

  @Test
  void intactLedger_verifies() {
    AuditReport report = f.verify(checkpointAfterThree);
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(4);
    assertThat(report.timeline()).hasSize(4);
  }

  @Test
  void deletedLastEntry_isCaughtByTheNewestCheckpoint() throws Exception {
    Files.delete(f.entry(4));
    assertRejected(f.verify(), Reason.MISSING_ENTRY, 4);
  }

  @Test
  void alteredCommitment_breaksTheChain() throws Exception {
    String text = f.text(f.entry(2));
    int at = text.indexOf("\"query\":\"") + 9;
    char c = text.charAt(at);
    f.write(f.entry(2), text.substring(0, at) + (c == '0' ? '1' : '0') + text.substring(at + 1));
    assertRejected(f.verify(), Reason.CHAIN_BROKEN, 3);
  }

  @Test
  void alteredLastEntry_breaksTheCheckpointRoot() throws Exception {
    String text = f.text(f.entry(4));
    f.write(
        f.entry(4),
        text.replace(
            "\"mechanism\":\"private-aggregation\"", "\"mechanism\":\"private-aggregatioN\""));
    assertRejected(f.verify(), Reason.ROOT_MISMATCH, -1);
  }

  /**
   * Without the key, the lowered cost is never judged: the chain breaks at the next entry first.
   */
  @Test
  void loweredCost_withoutTheKey_breaksTheChain() throws Exception {
    LedgerEntry e = f.read(2);
    long[] rdp = e.cost().rdp();
    rdp[0] = rdp[0] / 2;
    LedgerEntry lowered =
        new LedgerEntry(
            e.seq(),
            e.timeMillis(),
            e.origin(),
            e.previousLeafHash(),
            e.releaseId(),
            e.mechanism(),
            e.event(),
            new FixedPointCost(rdp, e.cost().pureEpsilon(), e.cost().delta()),
            e.commitments());
    Files.write(f.entry(2), lowered.encode());
    assertRejected(f.verify(), Reason.CHAIN_BROKEN, 3);
  }

  /** Even signed with the real key, a lowered cost does not match its mechanism. */
  @Test
  void loweredCost_reSignedWithTheRealKey() throws Exception {
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
  }

  @Test
  void truncationAgainstASavedCheckpoint() throws Exception {
    Files.delete(f.entry(4));
    Files.delete(f.entry(3));
    Files.delete(f.head(5));
    Files.delete(f.head(4));
    assertRejected(f.verify(checkpointAfterThree), Reason.INCONSISTENT_CHECKPOINT, 3);
  }

  /**
   * Entry 2 dropped, the rest re-chained and re-signed: self-consistent, but not with the receipt.
   */
  @Test
  void historyRewrittenAndReSigned_isCaughtByAnEarlierCheckpoint() throws Exception {
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    entries.remove(1);
    f.rewriteWithRealKey(entries);
    assertThat(f.verify().intact()).as("the rewritten ledger on its own").isTrue();
    assertRejected(f.verify(checkpointAfterThree), Reason.INCONSISTENT_CHECKPOINT, -1);
  }

  @Test
  void forgedSignature() throws Exception {
    String note = f.text(f.head(5));
    int sig = note.indexOf("\u2014 ");
    int pos = note.length() - 10;
    char c = note.charAt(pos);
    assertThat(pos).isGreaterThan(sig);
    f.write(f.head(5), note.substring(0, pos) + (c == 'A' ? 'B' : 'A') + note.substring(pos + 1));
    assertRejected(f.verify(), Reason.BAD_SIGNATURE, -1);
  }

  @Test
  void checkpointSignedByAnotherKey() throws Exception {
    NoteSigner impostor = NoteSigner.generate(LedgerFixture.ORIGIN);
    String body = f.text(f.head(5));
    body = body.substring(0, body.indexOf("\n\n") + 1);
    f.write(f.head(5), org.privspark.core.ledger.note.SignedNotes.sign(body, impostor));
    assertRejected(f.verify(), Reason.UNKNOWN_KEY, -1);
  }

  /**
   * The checkpoint is not signed with the auditor's key (ledger.json's key is unverified: not the
   * reason).
   */
  @Test
  void auditorWithAnotherKey() {
    AuditReport report =
        new LedgerVerifier(NoteSigner.generate(LedgerFixture.ORIGIN).verifier())
            .verify(f.store, List.of());
    assertRejected(report, Reason.UNKNOWN_KEY, -1);
    assertThat(report.message()).contains("heads/").contains("not signed with the auditor's key");
  }

  /**
   * ledger.json naming another key: without the key, entry 1's chain breaks first; once a
   * checkpoint signed with the auditor's key covers it, it is the holder's fault.
   */
  @Test
  void genesisNamingAnotherKey() throws Exception {
    Path genesis = f.store.root().resolve("ledger.json");
    LedgerGenesis g = LedgerGenesis.decode(Files.readAllBytes(genesis));
    Files.write(
        genesis,
        new LedgerGenesis(
                g.origin(),
                g.createdMillis(),
                g.mode(),
                g.budgetEpsilon(),
                g.budgetDelta(),
                g.grid(),
                NoteSigner.generate(LedgerFixture.ORIGIN).verifier().encode(),
                g.formatVersion(),
                g.unit())
            .encode());
    assertRejected(f.verify(), Reason.GENESIS_MISMATCH, 1);
    f.rewriteWithRealKey(f.entries());
    assertRejected(f.verify(), Reason.UNKNOWN_KEY, 0);
  }

  @Test
  void duplicateReleaseId() throws Exception {
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e = entries.get(3);
    entries.set(
        3,
        new LedgerEntry(
            e.seq(),
            e.timeMillis(),
            e.origin(),
            e.previousLeafHash(),
            entries.get(0).releaseId(),
            e.mechanism(),
            e.event(),
            e.cost(),
            e.commitments()));
    f.rewriteWithRealKey(entries);
    assertRejected(f.verify(), Reason.DUPLICATE_RELEASE_ID, 4);
  }

  /** A copy of entry 2 as entry 5: its previous-leaf hash is leaf 1's. */
  @Test
  void replayedEntry() throws Exception {
    Files.write(f.entry(5), Files.readAllBytes(f.entry(2)));
    assertRejected(f.verify(), Reason.CHAIN_BROKEN, 5);
  }

  /** The same copy chained to leaf 4 and signed by the holder: its sequence number is wrong. */
  @Test
  void replayedEntry_chainedAndSigned_isASequenceMismatch() throws Exception {
    LedgerEntry e = f.read(2);
    LedgerEntry copy =
        new LedgerEntry(
            e.seq(),
            e.timeMillis(),
            e.origin(),
            org.privspark.core.ledger.merkle.Rfc9162Hasher.leafHash(Files.readAllBytes(f.entry(4))),
            e.releaseId(),
            e.mechanism(),
            e.event(),
            e.cost(),
            e.commitments());
    f.replaceWithRealKey(5, copy.encode());
    assertRejected(f.verify(), Reason.SEQUENCE_MISMATCH, 5);
  }

  @Test
  void garbageEntry() throws Exception {
    assertContentFault(3, "not json at all", Reason.MALFORMED);
  }

  @Test
  void trailingBytes() throws Exception {
    assertContentFault(3, f.text(f.entry(3)) + "{}", Reason.MALFORMED);
  }

  @Test
  void trailingNewline_isNonCanonical() throws Exception {
    assertContentFault(3, f.text(f.entry(3)) + "\n", Reason.NON_CANONICAL);
  }

  @Test
  void reformattedNumber_isNonCanonical() throws Exception {
    String text = f.text(f.entry(3));
    assertThat(text).contains("\"scale\":4.0");
    assertContentFault(3, text.replace("\"scale\":4.0", "\"scale\":4.00"), Reason.NON_CANONICAL);
  }

  @Test
  void duplicateKey() throws Exception {
    String text = f.text(f.entry(3));
    assertContentFault(
        3, text.replace("{\"format\":", "{\"mechanism\":\"x\",\"format\":"), Reason.MALFORMED);
  }

  @Test
  void unknownField() throws Exception {
    String text = f.text(f.entry(3));
    assertContentFault(3, text.substring(0, text.length() - 1) + ",\"extra\":1}", Reason.MALFORMED);
  }

  /**
   * Entry {@code seq}'s file replaced by {@code text}. Written without the key, the content is not
   * judged: the next entry's chain breaks first. Signed over by the holder, the content is the
   * holder's, and rejected for {@code reason} at {@code seq}.
   */
  private void assertContentFault(long seq, String text, Reason reason) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Files.write(f.entry(seq), bytes);
    assertRejected(f.verify(), Reason.CHAIN_BROKEN, seq + 1);
    f.replaceWithRealKey(seq, bytes);
    assertRejected(f.verify(), reason, seq);
  }

  @Test
  void strayFileInEntries() throws Exception {
    Files.writeString(f.store.root().resolve("entries/notes.txt"), "hello");
    assertRejected(f.verify(), Reason.MALFORMED, 5);
  }

  @Test
  void timeGoingBackwards() throws Exception {
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e = entries.get(2);
    entries.set(
        2,
        new LedgerEntry(
            e.seq(),
            entries.get(1).timeMillis() - 1000,
            e.origin(),
            e.previousLeafHash(),
            e.releaseId(),
            e.mechanism(),
            e.event(),
            e.cost(),
            e.commitments()));
    f.rewriteWithRealKey(entries);
    assertRejected(f.verify(), Reason.TIME_REVERSED, 3);
  }

  /** Entries written past the budget by someone with the key (bypassing the SDK's check). */
  @Test
  void budgetExceeded() throws Exception {
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e = entries.get(3);
    var big = LedgerFixture.laplace(1.5);
    byte[] id = e.releaseId().clone();
    id[0] ^= 1;
    entries.add(
        new LedgerEntry(
            5,
            e.timeMillis(),
            e.origin(),
            e.previousLeafHash(),
            id,
            e.mechanism(),
            big,
            FixedPointCost.of(big, LedgerFixture.GRID),
            e.commitments()));
    f.rewriteWithRealKey(entries);
    assertRejected(f.verify(), Reason.BUDGET_EXCEEDED, 5);
  }

  @Test
  void budgetEditedInGenesis() throws Exception {
    Path genesis = f.store.root().resolve("ledger.json");
    String text = Files.readString(genesis);
    assertThat(text).contains("\"budget\":{\"epsilon\":2.0,");
    Files.writeString(
        genesis, text.replace("\"budget\":{\"epsilon\":2.0,", "\"budget\":{\"epsilon\":20.0,"));
    assertRejected(f.verify(), Reason.GENESIS_MISMATCH, 1);
  }

  @Test
  void deltaSubstitutedInGenesis() throws Exception {
    Path genesis = f.store.root().resolve("ledger.json");
    String text = Files.readString(genesis);
    Files.writeString(genesis, text.replace("\"delta\":1.0E-6", "\"delta\":0.1"));
    assertRejected(f.verify(), Reason.GENESIS_MISMATCH, 1);
  }

  @Test
  void orderGridSubstitutedInGenesis() throws Exception {
    Path genesis = f.store.root().resolve("ledger.json");
    LedgerGenesis g = LedgerGenesis.decode(Files.readAllBytes(genesis));
    LedgerGenesis swapped =
        new LedgerGenesis(
            g.origin(),
            g.createdMillis(),
            g.mode(),
            g.budgetEpsilon(),
            g.budgetDelta(),
            OrderGrid.of(1.5, 2, 4, 8, 16, 32, 64, 1024),
            g.publicKey(),
            g.formatVersion(),
            g.unit());
    Files.write(genesis, swapped.encode());
    assertRejected(f.verify(), Reason.GENESIS_MISMATCH, 1);
  }

  @Test
  void genesisEdited_withNoEntries_breaksTheCheckpointRoot() throws Exception {
    LedgerFixture empty = new LedgerFixture(dir.resolve("empty"), 1.0, 0);
    Path genesis = empty.store.root().resolve("ledger.json");
    Files.writeString(
        genesis, Files.readString(genesis).replace("\"epsilon\":1.0", "\"epsilon\":9.0"));
    assertRejected(empty.verify(), Reason.ROOT_MISMATCH, -1);
  }

  @Test
  void missingGenesis() throws Exception {
    Files.delete(f.store.root().resolve("ledger.json"));
    assertRejected(f.verify(), Reason.GENESIS_MISMATCH, 0);
  }

  @Test
  void entryWithoutCheckpoint_isUnsigned() throws Exception {
    List<LedgerEntry> entries = f.entries();
    LedgerEntry last = entries.get(3);
    byte[] id = last.releaseId().clone();
    id[1] ^= 1;
    LedgerEntry extra =
        new LedgerEntry(
            5,
            last.timeMillis(),
            last.origin(),
            org.privspark.core.ledger.merkle.Rfc9162Hasher.leafHash(Files.readAllBytes(f.entry(4))),
            id,
            last.mechanism(),
            last.event(),
            last.cost(),
            last.commitments());
    Files.write(f.entry(5), extra.encode());
    assertRejected(f.verify(), Reason.UNSIGNED_ENTRIES, 5);
    // Written without the key and without an opening the holder keeps: the holder refuses to sign
    // over it (docs/LEDGER-FORMAT.md §8), and the auditor still finds it unsigned.
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, f.openings))
        .isInstanceOfSatisfying(
            LedgerException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNSIGNED_ENTRIES);
              assertThat(e.index()).isEqualTo(5);
            });
    assertRejected(f.verify(), Reason.UNSIGNED_ENTRIES, 5);
  }

  @Test
  void savedCheckpointForAnotherLedger_isRejected() throws Exception {
    LedgerFixture other = new LedgerFixture(dir.resolve("other"), 1.0, 0);
    String foreign = new String(Files.readAllBytes(other.head(1)), StandardCharsets.UTF_8);
    // Signed by another key: unknown to this auditor.
    assertRejected(f.verify(foreign), Reason.UNKNOWN_KEY, -1);
  }
}
