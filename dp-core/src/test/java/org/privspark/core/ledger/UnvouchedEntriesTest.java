package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.audit.AuditReport;

/**
 * A storage attacker (write access to the ledger's files, no signing key, no access to the holder's
 * openings) appends entries that chain correctly, with valid costs and fresh release ids. The
 * writer must not adopt them: no cost computed for them, no checkpoint signed over them. An honest
 * writer's entry whose checkpoint was lost is vouched for by its opening.
 */
class UnvouchedEntriesTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;

  /**
   * Entries forged after the last leaf: chained, valid, with fresh ids; their openings exist
   * nowhere.
   */
  private static void forge(LedgerFixture f, int count) throws IOException {
    byte[] genesisBytes = Files.readAllBytes(f.store.root().resolve(LedgerLayout.GENESIS));
    LedgerGenesis g = LedgerGenesis.decode(genesisBytes);
    LedgerReplay replay = new LedgerReplay(g, genesisBytes);
    long time = g.createdMillis();
    byte[][] commitments = null;
    for (long seq = 1; Files.exists(f.entry(seq)); seq++) {
      replay.read(Files.readAllBytes(f.entry(seq)));
      LedgerEntry e = f.read(seq);
      time = e.timeMillis();
      commitments = e.commitments();
    }
    if (commitments == null) {
      commitments =
          Opening.fresh(
                  new byte[LedgerEntry.RELEASE_ID_LENGTH], ReleaseDetails.describing("x"), RANDOM)
              .commitments();
    }
    for (int i = 0; i < count; i++) {
      long seq = replay.nextIndex();
      byte[] id = new byte[LedgerEntry.RELEASE_ID_LENGTH];
      RANDOM.nextBytes(id);
      // Distinct events: a reader that judged them would compute each one's cost.
      var event = new SampledGaussianEvent(0.5, 3.0 + seq * 1e-3, 1);
      byte[] bytes =
          new LedgerEntry(
                  seq,
                  time + seq,
                  g.origin(),
                  replay.tree().leafHash(seq - 1),
                  id,
                  "attacker",
                  event,
                  FixedPointCost.of(event, g.grid()),
                  commitments)
              .encode();
      Files.createDirectories(f.entry(seq).getParent());
      Files.write(f.entry(seq), bytes);
      replay.read(bytes);
    }
  }

  private static List<String> heads(LedgerFixture f) throws IOException {
    return f.store.list(LedgerLayout.HEADS);
  }

  /** What a refused step threw, and how many entry costs were computed before the refusal. */
  private record Refusal(LedgerException thrown, long costs) {}

  private static Refusal refusal(Runnable step) {
    LedgerException[] thrown = new LedgerException[1];
    long costs =
        LedgerReplay.costsComputedDuring(
            () -> {
              try {
                step.run();
              } catch (LedgerException e) {
                thrown[0] = e;
              }
            });
    assertThat(thrown[0]).as("the step is refused").isNotNull();
    return new Refusal(thrown[0], costs);
  }

  @Test
  void forgedTrailingEntries_areRefusedByOpen_beforeAnyCostAndWithoutASignature() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    forge(f, 3);
    List<String> headsBefore = heads(f);

    Refusal r = refusal(() -> Ledger.open(f.store, f.signer, f.openings));

    assertThat(r.thrown().reason()).isEqualTo(Reason.UNSIGNED_ENTRIES);
    assertThat(r.thrown().index()).isEqualTo(2);
    assertThat(r.thrown().getMessage())
        .contains("without the key")
        .contains("privspark ledger repair");
    // Entry 1's cost only (a checkpoint covers it): none for the forged entries 2..4.
    assertThat(r.costs()).isEqualTo(1);
    assertThat(heads(f)).isEqualTo(headsBefore);
    assertThat(f.verify().intact()).isFalse();
    assertThat(f.verify().reason()).isEqualTo(Reason.UNSIGNED_ENTRIES);
  }

  @Test
  void forgedEntries_withNoCheckpointAtAll_areRefusedByOpen() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    Files.delete(f.head(1));
    forge(f, 3);

    Refusal r = refusal(() -> Ledger.open(f.store, f.signer, f.openings));

    assertThat(r.thrown().reason()).isEqualTo(Reason.UNSIGNED_ENTRIES);
    assertThat(r.thrown().index()).isEqualTo(1);
    assertThat(r.costs()).isZero();
    assertThat(heads(f)).isEmpty();
  }

  @Test
  void entryForgedWhileAWriterIsOpen_isRefusedAtTheNextAppend_andNothingIsWritten()
      throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    forge(f, 1);
    List<String> headsBefore = heads(f);

    Refusal r = refusal(() -> f.spend(0.25, "q2"));

    assertThat(r.thrown().reason()).isEqualTo(Reason.UNSIGNED_ENTRIES);
    assertThat(r.thrown().index()).isEqualTo(2);
    assertThat(r.costs()).isZero();
    assertThat(Files.exists(f.entry(3))).isFalse();
    assertThat(heads(f)).isEqualTo(headsBefore);
    assertThat(f.openings.load(f.read(2).releaseId())).isEmpty();
    // The other ways in refuse it too, and sign nothing.
    assertThatThrownBy(f.ledger::spent).isInstanceOf(LedgerException.class);
    assertThatThrownBy(f.ledger::checkpoint).isInstanceOf(LedgerException.class);
    assertThat(heads(f)).isEqualTo(headsBefore);
  }

  @Test
  void honestCrashBetweenEntryAndCheckpoint_opensAndSigns() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    f.spend(0.25, "q2");
    byte[] head = Files.readAllBytes(f.head(3));
    Files.delete(f.head(3)); // the checkpoint's name did not survive the crash

    Ledger reopened = Ledger.open(f.store, f.signer, f.openings);

    assertThat(reopened.entries()).isEqualTo(2);
    assertThat(Files.readAllBytes(f.head(3))).isEqualTo(head);
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
  }

  @Test
  void honestCrash_inAConfidentialLedger_opensAndSigns() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, LedgerGenesis.CONFIDENTIAL, 2.0, 1e-6);
    f.spend(0.25, "q1");
    Files.delete(f.head(2));

    Ledger reopened = Ledger.open(f.store, f.signer, f.openings);

    assertThat(reopened.entries()).isEqualTo(1);
    assertThat(Files.exists(f.head(2))).isTrue();
  }

  @Test
  void secondWriterSharingTheOpenings_appendsFine_evenWhenItsCheckpointIsLost() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    Ledger second = Ledger.open(f.store, f.signer, f.openings);
    f.spend(0.125, "q1");
    second.append(
        "private-aggregation", LedgerFixture.laplace(0.125), ReleaseDetails.describing("q2"));
    f.spend(0.125, "q3");
    second.append(
        "private-aggregation", LedgerFixture.laplace(0.125), ReleaseDetails.describing("q4"));
    Files.delete(
        f.head(5)); // the second writer's last checkpoint: the first vouches by its opening

    f.spend(0.125, "q5");

    assertThat(f.ledger.entries()).isEqualTo(5);
    assertThat(second.entries()).isEqualTo(4);
    assertThat(second.spent().epsilon()).isEqualTo(f.ledger.spent().epsilon());
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(5);
  }

  @Test
  void repair_quarantinesForgedTrailingEntries_andKeepsTheRest() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    forge(f, 2);

    LedgerRepair.Result result = LedgerRepair.repair(f.store, f.signer, f.openings);

    assertThat(result.ledger().entries()).isEqualTo(1);
    assertThat(Files.exists(f.entry(2))).isFalse();
    assertThat(Files.exists(f.entry(3))).isFalse();
    assertThat(result.actions()).anyMatch(a -> a.contains("entries/00000000000000000002.json"));
    assertThat(f.store.list(LedgerRepair.QUARANTINE)).hasSize(2);
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(1);
    f.spend(0.25, "q2");
    assertThat(f.verify().intact()).isTrue();
  }

  @Test
  void repair_keepsAnHonestEntryWhoseCheckpointWasLost() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    Files.delete(f.head(2));

    LedgerRepair.Result result = LedgerRepair.repair(f.store, f.signer, f.openings);

    assertThat(result.ledger().entries()).isEqualTo(1);
    assertThat(Files.exists(f.entry(1))).isTrue();
    assertThat(f.verify().intact()).isTrue();
  }
}
