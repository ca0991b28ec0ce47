package org.privspark.spark.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.Receipt;
import org.privspark.core.ledger.ReleaseDetails;
import org.privspark.core.ledger.note.NoteSigner;

/** A ledger created on any {@link LedgerStore}, as the ledger tests of dp-core build theirs. */
final class LedgerOnStore {
  static final String ORIGIN = "test.privspark.org/hadoop-ledger";
  static final OrderGrid GRID = OrderGrid.of(1.5, 2, 4, 8, 16, 32, 64);

  final LedgerStore store;
  final NoteSigner signer;
  final Ledger ledger;

  LedgerOnStore(LedgerStore store, double budgetEpsilon, double budgetDelta) {
    this.store = store;
    this.signer = NoteSigner.generate(ORIGIN);
    this.ledger =
        Format3Ledgers.create(
            store, ORIGIN, budgetEpsilon, budgetDelta, GRID, signer, OpeningStore.discarding());
  }

  /** A Laplace release of ε = {@code epsilon} (scale 1/ε, sensitivity 1). */
  static PrivacyEvent laplace(double epsilon) {
    return new LaplaceEvent(1 / epsilon, 1);
  }

  Receipt spend(double epsilon, String query) {
    return ledger.append("private-aggregation", laplace(epsilon), ReleaseDetails.describing(query));
  }

  /** A second writer on the same store, as another process would open it. */
  Ledger reopen() {
    return Ledger.open(store, signer, OpeningStore.discarding());
  }

  AuditReport verify(String... saved) {
    return new LedgerVerifier(signer.verifier()).verify(store, List.of(saved));
  }

  /**
   * Two writers race {@code attempts} spends of ε = 1/16 (exact in fixed point), alternating
   * between this ledger and a second Ledger object on the same store; returns how many landed.
   */
  int raceTwoWriters(int attempts) throws Exception {
    Ledger second = reopen();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        Ledger writer = i % 2 == 0 ? ledger : second;
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  try {
                    writer.append(
                        "private-aggregation", laplace(0.0625), ReleaseDetails.describing("q" + n));
                    return true;
                  } catch (BudgetExhaustedException e) {
                    return false;
                  }
                }));
      }
      int landed = 0;
      for (Future<Boolean> r : results) {
        landed += r.get() ? 1 : 0;
      }
      return landed;
    } finally {
      pool.shutdown();
    }
  }
}
