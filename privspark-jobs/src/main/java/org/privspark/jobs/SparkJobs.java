package org.privspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerException;
import org.privspark.spark.LongRunningDriver;
import picocli.CommandLine;

/**
 * What the Spark jobs share: running a picocli job with a lazily started session, exit codes, and
 * small readers.
 *
 * <p>Exit codes, as dp-core's {@code privspark} CLI: 0 done; 1 a failure while running (unreadable
 * data, a damaged ledger, a failed write); 2 bad arguments, with usage, and nothing charged; 3
 * refused because the budget cannot afford the job, nothing charged.
 */
final class SparkJobs {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int OVER_BUDGET = 3;

  private SparkJobs() {}

  /**
   * A job's state once its ledger is opened, before anything is charged.
   *
   * @param before what the ledger had spent before this job
   * @param dataset the dataset description committed with the release: input, format and schema.
   *     Never the row count: it is computed from private data, and an opened entry would show it.
   */
  record Opened(Ledger ledger, PrivacyGuarantee before, String dataset) {}

  /**
   * Opens or creates the job's ledger, reporting it on {@code out}. Reads no row: the input is
   * read once, inside the release, after the charge (a malformed value is then a missing value,
   * never an error; {@link JobOptions.Input#read}). On failure it reports on {@code err} that
   * nothing was charged and returns empty: a damaged ledger or a write error.
   */
  static Optional<Opened> open(Dataset<Row> data, JobOptions.Input input, JobLedger jobLedger,
      Consumer<String> out, Consumer<String> err) {
    try {
      Ledger ledger = jobLedger.openOrCreate();
      out.accept((jobLedger.creates() ? "created ledger " : "opened ledger ") + ledger.genesis().origin() + " at "
          + jobLedger.location() + (jobLedger.writesKey() ? "; new key " + jobLedger.key() + " (+ .pub)" : ""));
      String dataset = "input=" + input.path + " format=" + input.format() + " schema=" + data.schema().simpleString();
      return Optional.of(new Opened(ledger, ledger.spent(), dataset));
    } catch (LedgerException | UncheckedIOException | IOException e) {
      err.accept("failed before charging anything: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * What went wrong while private data was read, without the exception's message: Spark's messages
   * can quote an offending record or an executor's exception, which may hold private values. The
   * error condition names the kind of failure, which is what the operator needs to fix it.
   */
  static String failureWithoutData(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.spark.SparkThrowable st && st.getCondition() != null) {
        return "Spark error " + st.getCondition() + " (details withheld: they may quote private rows;"
            + " the driver's log has the stack trace)";
      }
    }
    return e.getClass().getSimpleName() + " (details withheld: they may quote private rows)";
  }

  /**
   * A session started on first use: bad arguments then never start Spark. It carries {@link
   * LongRunningDriver}'s settings unless the launcher set the same keys.
   */
  static final class LazySession implements Supplier<SparkSession> {
    private final String appName;
    private SparkSession session;

    LazySession(String appName) {
      this.appName = appName;
    }

    @Override
    public synchronized SparkSession get() {
      if (session == null) {
        // Spark's defaults keep history a driver of many releases does not need (LongRunningDriver);
        // a --conf of the same key wins.
        SparkSession.Builder b = LongRunningDriver.configure(SparkSession.builder().appName(appName));
        // spark-submit sets spark.master; a plain `java -cp ... Main aggregate` runs locally.
        if (!new SparkConf().contains("spark.master")) {
          b = b.master("local[2]").config("spark.ui.enabled", "false");
        }
        session = b.getOrCreate();
      }
      return session;
    }

    synchronized void stop() {
      if (session != null) {
        session.stop();
      }
    }
  }

  /** Runs a job's picocli command on its own session (spark-submit's), stopping it afterwards. */
  static int main(String appName, java.util.function.Function<Supplier<SparkSession>, Object> job, String[] args) {
    LazySession session = new LazySession(appName);
    try {
      return new CommandLine(job.apply(session)).execute(args);
    } finally {
      session.stop();
    }
  }

  /** Runs a job's command with the given streams (for tests and embedding). */
  static int run(Object command, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  /** A small table (public groups): Parquet if the name ends in .parquet, else CSV with a header. */
  static Dataset<Row> readTable(SparkSession spark, String option, String path) {
    String format = path.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "parquet" : "csv";
    try {
      return spark.read().format(format).option("header", "true").option("mode", "FAILFAST").load(path);
    } catch (Exception e) { // Spark's AnalysisException (no such path) is a checked (Scala) exception
      throw new IllegalArgumentException(option + " " + path + " cannot be read as " + format + ": "
          + JobOptions.firstLine(e.getMessage()), e);
    }
  }

  /**
   * Checks that every public group key converts to the type of its data column (ANSI casts would
   * otherwise fail while the result is written, after the charge). Reads the keys file, which is
   * public and small; call it after the query validated the key columns.
   *
   * @throws IllegalArgumentException naming the first key that does not convert
   */
  static void requireConvertibleKeys(Dataset<Row> data, Dataset<Row> keys, java.util.List<String> groupBy,
      String option) {
    for (String k : groupBy) {
      org.apache.spark.sql.types.DataType type = data.schema().apply(k).dataType();
      if (keys.schema().apply(k).dataType().equals(type)) {
        continue;
      }
      Row[] bad = keys.where(functions.col(k).isNotNull()
          .and(functions.col(k).try_cast(type).isNull())).select(k).limit(1).collectAsList().toArray(Row[]::new);
      if (bad.length > 0) {
        throw new IllegalArgumentException(option + ": key '" + bad[0].get(0) + "' of column " + k
            + " is not a valid " + type.simpleString() + " (the data's type of " + k + ")");
      }
    }
  }

  /** The ε of {@code event} alone, at δ, on the ledger's orders. */
  static double epsilonOf(PrivacyEvent event, Ledger ledger) {
    return new RdpAccountant(ledger.genesis().grid()).compose(event).epsilon(ledger.genesis().budgetDelta()).epsilon();
  }
}
