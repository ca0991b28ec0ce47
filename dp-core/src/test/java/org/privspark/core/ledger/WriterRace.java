package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.testing.ChildJvm;

/**
 * Several {@link LedgerWriterProcess}-style JVMs racing to one ledger until its budget is gone, and
 * the checks that make the race meaningful. Used for a local directory (dp-core) and for HDFS
 * (dp-spark), with the child main class that opens the right store.
 */
public final class WriterRace {
  private WriterRace() {}

  /**
   * Starts {@code processes} children of {@code main} with {@code args} plus a go-file, waits until
   * all have opened the ledger, lets them go at once, and returns every receipt index they printed.
   * Each child must end with {@code REFUSED} after its receipts and exit 0.
   */
  public static List<Long> receipts(Path work, int processes, Class<?> main, String... args)
      throws Exception {
    Path go = work.resolve("go");
    List<String> withGo = new ArrayList<>(List.of(args));
    withGo.add(go.toString());
    List<ChildJvm> children = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      children.add(ChildJvm.start(stderr(work, i), main, withGo.toArray(String[]::new)));
    }
    for (int i = 0; i < processes; i++) {
      assertThat(children.get(i).awaitLine("READY", 120_000))
          .as("child %d ready; stderr: %s", i, read(work, i))
          .isTrue();
    }
    Files.createFile(go);
    List<Long> receipts = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      ChildJvm c = children.get(i);
      assertThat(c.awaitExit(240_000)).as("child %d exit; stderr: %s", i, read(work, i)).isZero();
      List<String> lines = c.lines();
      assertThat(lines.get(lines.size() - 1)).as("every child ends refused").isEqualTo("REFUSED");
      for (String line : lines.subList(1, lines.size() - 1)) {
        assertThat(line).startsWith("RECEIPT ");
        receipts.add(Long.parseLong(line.substring("RECEIPT ".length())));
      }
    }
    return receipts;
  }

  /**
   * The four checks of a race: the ledger verifies; no index was handed out twice; the receipts are
   * exactly entries 1..n (none lost, none without its entry); the spend stays within the budget,
   * with exactly as many entries as one writer alone would have fitted.
   */
  public static void assertSharedBudget(
      List<Long> receipts, AuditReport report, double budget, long serialCount) {
    assertThat(report.intact()).as(report.message()).isTrue();
    Set<Long> unique = new HashSet<>(receipts);
    assertThat(unique).as("no index handed out twice").hasSameSizeAs(receipts);
    Set<Long> all = new HashSet<>();
    for (long i = 1; i <= report.entries(); i++) {
      all.add(i);
    }
    assertThat(unique).as("every entry has a receipt, every receipt an entry").isEqualTo(all);
    assertThat(report.spentEpsilon()).isLessThanOrEqualTo(budget);
    assertThat(report.entries()).isEqualTo(serialCount);
  }

  private static Path stderr(Path work, int i) {
    return work.resolve("child-" + i + ".err");
  }

  private static String read(Path work, int i) throws IOException {
    return Files.readString(stderr(work, i));
  }
}
