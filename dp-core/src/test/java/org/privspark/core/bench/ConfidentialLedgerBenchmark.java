package org.privspark.core.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.BudgetReport;
import org.privspark.core.audit.ConfidentialVerifier;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.ReleaseDetails;
import org.privspark.core.ledger.confidential.BudgetProof;
import org.privspark.core.ledger.confidential.BudgetProver;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * The auditor's side of a {@value #ENTRIES}-entry confidential ledger: structural replay alone,
 * then the budget proof with all {@value #ENTRIES} per-entry range proofs (k = 48) and the slack
 * proof (k = 64), checked in one batch versus one by one. Each operation reads the ledger from
 * disk, replays it, decodes the proof file and verifies (single-shot time, ms). The grid has 7
 * orders; the replay decodes one point per order per entry, so it grows with the grid.
 */
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConfidentialLedgerBenchmark {
  static final int ENTRIES = 1000;
  static final OrderGrid GRID = OrderGrid.of(1.5, 2, 4, 8, 16, 32, 64);

  /** A written, proven ledger in a temporary directory. */
  @State(Scope.Benchmark)
  public static class Written {
    LocalDirectoryStore store;
    NoteSigner signer;
    byte[] proofFile;

    @Setup(Level.Trial)
    public void write() throws IOException {
      Path dir = Files.createTempDirectory("privspark-confidential-bench");
      store = new LocalDirectoryStore(dir.resolve("ledger"));
      signer = NoteSigner.generate("bench.privspark.org/confidential");
      Ledger ledger =
          Format3Ledgers.create(
              store,
              signer.name(),
              LedgerGenesis.CONFIDENTIAL,
              4.0,
              1e-6,
              GRID,
              signer,
              OpeningStore.in(new LocalDirectoryStore(dir.resolve("openings"))));
      long start = System.nanoTime();
      for (int i = 0; i < ENTRIES; i++) {
        ledger.append(
            "private-aggregation",
            GaussianEvent.withNoiseMultiplier(100),
            ReleaseDetails.describing("q" + i));
      }
      System.out.printf(
          "# appending %d confidential entries took %.1f ms%n",
          ENTRIES, (System.nanoTime() - start) / 1e6);
      start = System.nanoTime();
      BudgetProof proof = BudgetProver.prove(ledger, Double.NaN, new SecureRandom());
      System.out.printf(
          "# proving the budget at order %s took %.1f ms%n",
          proof.order(), (System.nanoTime() - start) / 1e6);
      proofFile = proof.encode();
      System.out.printf("# budget proof file: %d bytes%n", proofFile.length);
    }
  }

  /** Structure only (LEDGER-FORMAT §7 without costs): the floor under both budget checks. */
  @Benchmark
  public AuditReport replayOnly(Written w) {
    AuditReport r = new LedgerVerifier(w.signer.verifier()).verify(w.store, List.of());
    check(r.intact(), r.message());
    return r;
  }

  /** Replay, then every range proof on its own (RangeVerifier.verify): the baseline. */
  @Benchmark
  public BudgetReport verifyBudgetOneByOne(Written w) {
    return verify(w, false);
  }

  /** Replay, then all {@value #ENTRIES} + 1 range proofs in one RangeVerifier.verifyBatch. */
  @Benchmark
  public BudgetReport verifyBudgetBatch(Written w) {
    return verify(w, true);
  }

  private static BudgetReport verify(Written w, boolean batch) {
    BudgetReport r =
        new ConfidentialVerifier(w.signer.verifier())
            .verifyBudget(w.store, List.of(), BudgetProof.decode(w.proofFile), batch);
    check(r.ok(), r.message());
    return r;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new UncheckedIOException(
          new IOException("benchmark ledger does not verify: " + message));
    }
  }
}
