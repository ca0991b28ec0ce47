package org.privspark.core.ledger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * A child process for the reliability tests: opens a ledger on a local directory (or, through
 * {@link #run}, on any store) with a signer key read from a file, and appends Laplace spends.
 *
 * <p>Arguments: {@code LEDGER_DIR KEY_FILE OPENINGS_DIR EPSILON_PER_SPEND MODE [GO_FILE]}. MODE
 * {@code until-refused} appends until the first refusal (the budget is exhausted for identical
 * spends from then on) and prints {@code RECEIPT <index>} per append and {@code REFUSED} at the
 * end; MODE {@code forever} appends in a loop (until killed) and prints {@code RELEASED <index>}
 * only after each append has returned. {@code READY} is printed once the ledger is open; with a
 * GO_FILE the process then waits for that file to exist, so that several processes start together.
 */
public final class LedgerWriterProcess {
  private LedgerWriterProcess() {}

  public static void main(String[] args) throws Exception {
    run(new LocalDirectoryStore(Path.of(args[0])), args);
  }

  /** The process's work on {@code store} (args[0] named it; the other arguments as above). */
  public static void run(LedgerStore store, String[] args) throws Exception {
    NoteSigner signer =
        NoteSigner.parse(Files.readString(Path.of(args[1]), StandardCharsets.US_ASCII).strip());
    OpeningStore openings = OpeningStore.in(new LocalDirectoryStore(Path.of(args[2])));
    double epsilon = Double.parseDouble(args[3]);
    String mode = args[4];
    Ledger ledger = Ledger.open(store, signer, openings);
    System.out.println("READY");
    System.out.flush();
    if (args.length > 5) {
      Path go = Path.of(args[5]);
      while (!Files.exists(go)) {
        Thread.sleep(1);
      }
    }
    LaplaceEvent event = new LaplaceEvent(1 / epsilon, 1);
    long pid = ProcessHandle.current().pid();
    for (long n = 0; ; n++) {
      try {
        // The CLI's ledgers protect "person" (ledger init --unit person); older ones declare no
        // unit.
        Receipt r =
            ledger.append(
                "reliability-test",
                event,
                ReleaseDetails.describing("pid " + pid + " spend " + n),
                null,
                ledger.unit().isPresent()
                    ? org.privspark.core.accounting.UnitClaim.perUnit("person")
                    : null);
        System.out.println((mode.equals("forever") ? "RELEASED " : "RECEIPT ") + r.index());
        System.out.flush();
      } catch (BudgetExhaustedException e) {
        System.out.println("REFUSED");
        System.out.flush();
        if (!mode.equals("forever")) {
          return;
        }
      }
    }
  }
}
