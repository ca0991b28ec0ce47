package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;

/**
 * The budget under concurrency: threads sharing one budget (in memory, or backed by a ledger) and
 * separate JVM processes appending to one ledger directory, all racing until the budget is gone.
 * Each request must end in exactly one of a success (a receipt) or a {@link
 * BudgetExhaustedException}; the admitted spends never exceed the budget, and the ledger holds
 * exactly the admitted entries.
 */
class BudgetConcurrencyTest {
  @TempDir Path dir;

  /** ε = 0.01 per spend. */
  private static final PrivacyEvent SPEND = new LaplaceEvent(100, 1);

  @Test
  void inMemoryBudget_eightThreadsUntilExhausted_admitsExactlyTheSerialCount() throws Exception {
    int serial = serialCount(PrivacyBudget.inMemory(1.0, 0), 1_000);
    PrivacyBudget shared = PrivacyBudget.inMemory(1.0, 0);
    Outcome o =
        race(
            8,
            50,
            () -> {
              shared.spend(SPEND);
              return null;
            });
    assertThat(o.errors).isEmpty();
    assertThat(o.admitted + o.refused).isEqualTo(8 * 50);
    assertThat(o.admitted).isEqualTo(serial);
    assertThat(shared.spent().epsilon()).isLessThanOrEqualTo(1.0);
    assertThat(shared.trySpend(SPEND)).isFalse();
  }

  @Test
  void ledgerBudget_sixThreadsTwoWritersUntilExhausted_entriesEqualAdmitted() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 0.5, 0);
    // Two Ledger objects on one directory behave like two processes (optimistic put-if-absent).
    Ledger second = Ledger.open(f.store, f.signer, f.openings);
    PrivacyBudget first = f.ledger.budget();
    PrivacyBudget other = second.budget();
    AtomicInteger turn = new AtomicInteger();
    Outcome o =
        race(
            6,
            20,
            () -> {
              (turn.getAndIncrement() % 2 == 0 ? first : other)
                  .spend(SPEND, "reliability-test", "");
              return null;
            });
    assertThat(o.errors).isEmpty();
    assertThat(o.admitted + o.refused).isEqualTo(6 * 20);
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(o.admitted);
    assertThat(report.spentEpsilon()).isLessThanOrEqualTo(0.5);
    assertThat(o.admitted).isEqualTo(serialLedgerCount(dir.resolve("serial"), 0.5));
  }

  /**
   * Regression: open caught up, then another writer appended an entry and its checkpoint before
   * open listed the checkpoints; open took the newer checkpoint for evidence of removed entries.
   */
  @Test
  void open_whileAnotherWriterAppends_catchesUpInsteadOfRefusing() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 1.0, 0);
    f.spend(0.01, "a");
    java.util.concurrent.atomic.AtomicBoolean appended =
        new java.util.concurrent.atomic.AtomicBoolean();
    LedgerStore racing =
        new LedgerStore() {
          @Override
          public java.util.Optional<byte[]> read(String path) throws IOException {
            return f.store.read(path);
          }

          @Override
          public boolean createIfAbsent(String path, byte[] bytes) throws IOException {
            return f.store.createIfAbsent(path, bytes);
          }

          @Override
          public List<String> list(String directory) throws IOException {
            if (directory.equals(LedgerLayout.HEADS) && appended.compareAndSet(false, true)) {
              f.spend(0.01, "b"); // the other writer lands entry 2 and heads/3 right now
            }
            return f.store.list(directory);
          }

          @Override
          public String location() {
            return f.store.location();
          }
        };
    Ledger opened = Ledger.open(racing, f.signer, OpeningStore.discarding());
    assertThat(appended).isTrue();
    assertThat(opened.entries()).isEqualTo(2);
    assertThat(f.verify().intact()).isTrue();
  }

  @Test
  void ledger_fourProcessesUntilExhausted_noEntryLostOrDuplicated() throws Exception {
    assertProcessesShareTheBudget(4, 0.02, 1.0);
  }

  @Test
  @Tag("reliability")
  void ledger_eightProcessesUntilExhausted_noEntryLostOrDuplicated() throws Exception {
    assertProcessesShareTheBudget(8, 0.004, 1.0);
  }

  private void assertProcessesShareTheBudget(int processes, double perSpend, double budget)
      throws Exception {
    LedgerFixture f = new LedgerFixture(dir, budget, 0);
    Path key = dir.resolve("signer.key");
    Files.writeString(key, f.signer.exportSignerKey() + "\n", StandardCharsets.US_ASCII);
    List<Long> receipts =
        WriterRace.receipts(
            dir,
            processes,
            LedgerWriterProcess.class,
            f.store.root().toString(),
            key.toString(),
            dir.resolve("openings").toString(),
            Double.toString(perSpend),
            "until-refused");
    AuditReport report = new LedgerVerifier(f.signer.verifier()).verify(f.store, List.of());
    WriterRace.assertSharedBudget(
        receipts, report, budget, serialLedgerCount(dir.resolve("serial"), budget, perSpend));
    System.out.printf(
        "%d processes: %d entries, spent epsilon %.6f of %.1f%n",
        processes, report.entries(), report.spentEpsilon(), budget);
  }

  private static int serialCount(PrivacyBudget budget, int max) {
    int n = 0;
    while (n < max && budget.trySpend(SPEND)) {
      n++;
    }
    return n;
  }

  private static long serialLedgerCount(Path where, double budget) {
    return serialLedgerCount(where, budget, 0.01);
  }

  /** How many spends of ε = perSpend one writer fits in the budget, on the same grid. */
  private static long serialLedgerCount(Path where, double budget, double perSpend) {
    LedgerFixture f = new LedgerFixture(where, budget, 0);
    LaplaceEvent event = new LaplaceEvent(1 / perSpend, 1);
    long n = 0;
    try {
      while (true) {
        f.ledger.append("reliability-test", event, ReleaseDetails.describing("serial"));
        n++;
      }
    } catch (BudgetExhaustedException e) {
      return n;
    }
  }

  private record Outcome(int admitted, int refused, List<Throwable> errors) {}

  /** {@code threads} threads, released together, each making {@code requests} requests. */
  private static Outcome race(int threads, int requests, Callable<Void> request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < requests; i++) {
                  try {
                    request.call();
                    admitted.incrementAndGet();
                  } catch (BudgetExhaustedException e) {
                    refused.incrementAndGet();
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> d : done) {
      d.get();
    }
    pool.shutdown();
    return new Outcome(admitted.get(), refused.get(), errors);
  }
}
