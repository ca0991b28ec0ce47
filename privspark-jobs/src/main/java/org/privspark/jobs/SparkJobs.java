package org.privspark.jobs;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.ledger.Ledger;
import org.privspark.spark.LongRunningDriver;
import picocli.CommandLine;

/**
 * What the Spark jobs share: running a picocli job with a lazily started session, exit codes, and
 * small readers.
 *
 * <p>Exit codes, as the {@code privspark} CLI: 0 done; 1 a failure (a damaged ledger, a failed
 * write, a Spark failure, an {@link IllegalStateException}); 2 bad arguments or specification, one
 * line and a hint, nothing charged; 3 refused because the budget cannot afford the job, nothing
 * charged and no row read. {@link SparkJob} maps exceptions to them.
 */
final class SparkJobs {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int OVER_BUDGET = 3;

  private SparkJobs() {}

  /**
   * The dataset description committed with a release: input, format and schema. Never the row
   * count: it is computed from private data, and an opened entry would show it.
   */
  static String dataset(JobOptions.Input input, Dataset<Row> data) {
    return "input="
        + input.path
        + " format="
        + input.format()
        + " schema="
        + data.schema().simpleString();
  }

  /**
   * What went wrong while private data was read, without the exception's message: Spark's messages
   * can quote an offending record or an executor's exception, which may hold private values. The
   * error condition names the kind of failure, which is what the operator needs to fix it.
   */
  static String failureWithoutData(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.spark.SparkThrowable st && st.getCondition() != null) {
        return "Spark error "
            + st.getCondition()
            + " (details withheld: they may quote private rows;"
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
        // Spark's defaults keep history a driver of many releases does not need
        // (LongRunningDriver);
        // a --conf of the same key wins.
        SparkSession.Builder b =
            LongRunningDriver.configure(SparkSession.builder().appName(appName));
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

  /**
   * Runs a job's picocli command on its own session (spark-submit's), stopping it afterwards; the
   * exit code.
   */
  static int main(String appName, Function<Supplier<SparkSession>, Object> job, String[] args) {
    LazySession session = new LazySession(appName);
    try {
      return oneLineErrors(new CommandLine(job.apply(session))).execute(args);
    } finally {
      session.stop();
    }
  }

  /** Runs a job's command with the given streams (for tests and embedding). */
  static int run(Object command, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = oneLineErrors(new CommandLine(command));
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  /**
   * A bad argument or specification prints one line and a hint, not picocli's usage: {@code
   * aggregate: --epsilon must be > 0; got -1. Try 'aggregate --help'.} A misspelt option gets
   * picocli's suggestions on the same line. Exit code {@value #USAGE}.
   */
  static CommandLine oneLineErrors(CommandLine cli) {
    return cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine c = e.getCommandLine();
          String name = c.getCommandName();
          String message = oneLine(e.getMessage());
          if (e instanceof CommandLine.UnmatchedArgumentException u
              && !u.getSuggestions().isEmpty()) {
            message +=
                "; did you mean "
                    + String.join(
                        " or ",
                        u.getSuggestions().stream().limit(3).map(s -> "'" + s + "'").toList())
                    + "?";
          }
          c.getErr()
              .println(
                  name
                      + ": "
                      + message
                      + (message.endsWith("?") || message.endsWith(".") ? "" : ".")
                      + " Try '"
                      + name
                      + " --help'.");
          c.getErr().flush();
          return USAGE;
        });
  }

  /** A message on one line: line breaks (a JSON parser's, say) become spaces. */
  static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /**
   * A small table (public groups): Parquet if the name ends in .parquet, else CSV with a header.
   */
  static Dataset<Row> readTable(SparkSession spark, String option, String path) {
    String format = path.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "parquet" : "csv";
    try {
      return spark
          .read()
          .format(format)
          .option("header", "true")
          .option("mode", "FAILFAST")
          .load(path);
    } catch (
        Exception e) { // Spark's AnalysisException (no such path) is a checked (Scala) exception
      throw new IllegalArgumentException(
          option
              + " "
              + path
              + " cannot be read as "
              + format
              + ": "
              + JobOptions.firstLine(e.getMessage()),
          e);
    }
  }

  /**
   * Checks that every public group key converts to the type of its data column (ANSI casts would
   * otherwise fail while the result is written, after the charge). Reads the keys file, which is
   * public and small; call it after the query validated the key columns.
   *
   * @throws IllegalArgumentException naming the first key that does not convert
   */
  static void requireConvertibleKeys(
      Dataset<Row> data, Dataset<Row> keys, java.util.List<String> groupBy, String option) {
    for (String k : groupBy) {
      org.apache.spark.sql.types.DataType type = data.schema().apply(k).dataType();
      if (keys.schema().apply(k).dataType().equals(type)) {
        continue;
      }
      Row[] bad =
          keys.where(functions.col(k).isNotNull().and(functions.col(k).try_cast(type).isNull()))
              .select(k)
              .limit(1)
              .collectAsList()
              .toArray(Row[]::new);
      if (bad.length > 0) {
        throw new IllegalArgumentException(
            option
                + ": key '"
                + bad[0].get(0)
                + "' of column "
                + k
                + " is not a valid "
                + type.simpleString()
                + " (the data's type of "
                + k
                + ")");
      }
    }
  }

  /** The ε of {@code event} alone, at δ, on the ledger's orders. */
  static double epsilonOf(PrivacyEvent event, Ledger ledger) {
    return new RdpAccountant(ledger.genesis().grid())
        .compose(event)
        .epsilon(ledger.genesis().budgetDelta())
        .epsilon();
  }
}
