package org.privspark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.ReleaseIdReusedException;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.Receipt;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The skeleton every spark-submit job follows, in one place (docs/JOBS.md, "What happens, in
 * order"): parse the options (picocli), {@link #prepare} (validate and plan, reading only schemas
 * and public files), open or create the ledger, {@link #release} (charge, then run and write), and
 * map what went wrong to one exit code and one message.
 *
 * <p><b>Exit codes</b> ({@link SparkJobs}): from {@link #prepare}, an {@link
 * IllegalArgumentException} is a bad argument (2, one line and a hint; nothing charged or created);
 * an {@link IllegalStateException}, a {@link LedgerException} or an I/O failure is a failure (1,
 * "nothing was charged"): an IllegalStateException means the program, not the arguments, is in a
 * state it cannot go on from, so it is never reported as a usage error. From {@link #release}: a
 * {@link BudgetExhaustedException} exits 3 with nothing charged (it carries the remaining budget);
 * a reused release secret exits 2; anything else exits 1 and says whether the job's entry was
 * charged, withholding Spark's details once rows may have been read ({@link
 * SparkJobs#failureWithoutData}).
 *
 * @param <P> what {@link #prepare} hands to {@link #release}: the validated, planned job
 */
abstract class SparkJob<P> implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Supplier<SparkSession> sessions;

  SparkJob(Supplier<SparkSession> sessions) {
    this.sessions = sessions;
  }

  /** The session, started on first use (bad arguments found before it never start Spark). */
  final SparkSession spark() {
    return sessions.get();
  }

  /**
   * Validates everything and plans the job, reading no row: the options, the input's schema against
   * the job's columns, the cost, the ledger's state and the output. Charges and creates nothing.
   *
   * @throws IllegalArgumentException for a bad argument or specification (exit 2)
   */
  abstract P prepare();

  /**
   * An exit code to end with before the ledger is opened ({@code --explain}), or empty to release.
   */
  Optional<Integer> endBeforeLedger(P prepared) {
    return Optional.empty();
  }

  /** The ledger that pays for the job. */
  abstract JobLedger ledger(P prepared);

  /**
   * The input's description committed with the release: path, format, schema (never a row count).
   */
  abstract String dataset(P prepared);

  /**
   * Charges the ledger, then runs the job and writes its output; returns the exit code. Nothing
   * data-dependent may fail before the charge, and nothing is read before it.
   */
  abstract int release(P prepared, Ledger ledger, PrivacyGuarantee before, String dataset)
      throws Exception;

  /** The release secret file given, for the message when the ledger has seen it; null if none. */
  java.nio.file.Path releaseSecret() {
    return null;
  }

  /** The entry this run charged, or null while nothing is charged. */
  abstract Receipt charged();

  @Override
  public final Integer call() {
    P prepared;
    try {
      prepared = prepare();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (LedgerException e) {
      err("the ledger cannot be used: " + e.getMessage() + "; nothing was charged");
      return SparkJobs.FAILED;
    } catch (UncheckedIOException e) {
      err(e.getMessage() + ": " + e.getCause().getMessage() + "; nothing was charged");
      return SparkJobs.FAILED;
    } catch (IllegalStateException e) {
      err("failed before charging anything: " + e.getMessage());
      return SparkJobs.FAILED;
    }
    Optional<Integer> end = endBeforeLedger(prepared);
    if (end.isPresent()) {
      return end.get();
    }
    Ledger ledger;
    PrivacyGuarantee before;
    JobLedger jobLedger = ledger(prepared);
    try {
      ledger = jobLedger.openOrCreate();
      out(
          (jobLedger.creates() ? "created ledger " : "opened ledger ")
              + ledger.genesis().origin()
              + " at "
              + jobLedger.location()
              + (jobLedger.writesKey() ? "; new key " + jobLedger.key() + " (+ .pub)" : ""));
      before = ledger.spent();
    } catch (LedgerException | UncheckedIOException | IOException e) {
      err("failed before charging anything: " + e.getMessage());
      return SparkJobs.FAILED;
    }
    try {
      return release(prepared, ledger, before, dataset(prepared));
    } catch (BudgetExhaustedException e) {
      err(e.getMessage());
      err("nothing was charged, and no row was read");
      return SparkJobs.OVER_BUDGET;
    } catch (ReleaseIdReusedException e) {
      err("--release-secret " + releaseSecret() + ": " + e.getMessage());
      return SparkJobs.USAGE;
    } catch (
        Exception
            e) { // a ledger or write failure, or a Spark one (SparkException is a checked Scala
      // exception)
      Receipt r = charged();
      if (r == null) { // no row is read before the charge: the message holds nothing private
        err("failed while charging; nothing was charged: " + e.getMessage());
      } else {
        err(
            "ledger entry "
                + r.index()
                + " was charged, but the release failed: "
                + SparkJobs.failureWithoutData(e));
      }
      return SparkJobs.FAILED;
    }
  }

  /** The job's arguments as given, committed with the release. */
  final String parameters() {
    return String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }

  /** The summary's line on ε: spent by this job, and the ledger's total before and after it. */
  final void spentLine(PrivacyGuarantee before, PrivacyGuarantee after, Ledger ledger) {
    out(
        String.format(
            Locale.ROOT,
            "  epsilon spent:     %.6g by this job (ledger total %.6g -> %.6g, at delta=%s)",
            after.epsilon() - before.epsilon(),
            before.epsilon(),
            after.epsilon(),
            ledger.genesis().budgetDelta()));
  }

  /** The summary's line on what remains of the ledger's budget. */
  final void remainingLine(PrivacyGuarantee after, Ledger ledger) {
    double budget = ledger.genesis().budgetEpsilon();
    out(
        String.format(
            Locale.ROOT,
            "  budget remaining:  epsilon=%.6g of %s at delta=%s",
            Math.max(0, budget - after.epsilon()),
            budget,
            ledger.genesis().budgetDelta()));
  }

  /** The summary's line naming the ledger and the job's entry; {@code extra} follows the index. */
  final void ledgerLine(Ledger ledger, String location, long index, String extra) {
    out(
        "  ledger:            "
            + ledger.genesis().origin()
            + " at "
            + location
            + " (entry "
            + index
            + extra
            + ")");
  }

  final void out(String line) {
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
  }

  final void err(String line) {
    spec.commandLine().getErr().println(line);
    spec.commandLine().getErr().flush();
  }
}
