package org.privspark.jobs;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.aggregation.Histogram;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.aggregation.Quantiles;
import org.privspark.core.aggregation.QueryAccuracy;
import org.privspark.core.aggregation.Statistic;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.Receipt;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ledger.HadoopLedgerStore;
import org.privspark.spark.sql.PrivateAggregation;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Job {@code aggregate}: one differentially private query over a CSV or Parquet data set, charged
 * to a ledger, with its result and receipt written beside each other (docs/JOBS.md).
 *
 * <pre>
 * spark-submit --class org.privspark.jobs.Main privspark-jobs-VERSION-app.jar aggregate \
 *   --input adult.csv --row-is-unit --group-by education --stat count --stat mean:age:17:90 \
 *   --epsilon 0.5 --delta 1e-6 --ledger hdfs://nn:8020/privacy/adult-ledger --key adult.key \
 *   --budget-epsilon 3 --budget-delta 1e-5 --output hdfs://nn:8020/releases/2026-12
 * </pre>
 *
 * <p><b>Order of work.</b> Everything is validated first, reading no rows: the options, the release
 * secret file, the input's schema against the query (columns exist, value columns are numeric,
 * bounds, ε, δ: {@link PrivateAggregation#cost()}), the public groups, the ledger (it exists and
 * the key is its key, or a budget is given to create it) and the output (absent). A failure exits 2
 * with one line and a hint, and nothing is charged or created. The ledger is then opened or
 * created, and the query run: its cost is appended to the ledger before any row is read (over
 * budget: exit 3 with the remaining budget, nothing charged, no row read; {@link SparkJob}). Last,
 * the result is written, then its receipt.
 *
 * <p><b>{@code --explain}.</b> The same validation, then the predicted accuracy of the query
 * ({@link PrivateAggregation#explain(long)}) on standard output, and exit 0: no row is read,
 * nothing is charged, and no ledger, key or output is created.
 *
 * <p>The printed row count is exact, not differentially private: it is for the operator's log, and
 * is kept out of the receipt. Not thread-safe; one run per instance.
 */
@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    versionProvider = JobVersion.class,
    sortOptions = false,
    description =
        "Run one DP query over CSV or Parquet, charged to a ledger; write the result and its"
            + " receipt.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed (ledger, write, Spark, internal state); says whether anything was charged",
      "2:bad arguments or specification; nothing charged",
      "3:over budget; nothing charged, no row read"
    })
public final class AggregateJob extends SparkJob<AggregateJob.Prepared> {
  /** The ledger's mechanism name for these releases (as dp-spark's PrivateAggregation records). */
  static final String MECHANISM = "private-aggregation";

  @Mixin JobOptions.Input input;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Privacy unit (one of):%n")
  JobOptions.Input.Unit unit;

  @Option(
      names = "--name",
      defaultValue = "aggregate",
      paramLabel = "NAME",
      description =
          "The result's name: OUTPUT/NAME/ and OUTPUT/NAME.receipt.json (default:"
              + " ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--group-by",
      split = ",",
      paramLabel = "COL",
      description = "Group key columns, comma-separated (default: none, one global row).")
  List<String> groupBy = new ArrayList<>();

  @Option(
      names = "--public-groups",
      paramLabel = "FILE",
      description =
          "A CSV (header) or Parquet file listing the group keys to release (default: private"
              + " partition selection, which needs --delta > 0).")
  String publicGroups;

  @Option(
      names = "--stat",
      required = true,
      paramLabel = "STAT",
      description = "A statistic (repeatable, in output order): " + StatisticSpec.SYNTAX)
  List<String> stats;

  @Option(
      names = {"--max-groups-contributed", "--l0"},
      defaultValue = "1",
      paramLabel = "L0",
      description = "L0: groups one privacy unit may contribute to (default: ${DEFAULT-VALUE}).")
  long l0;

  @Option(
      names = {"--max-contributions-per-group", "--linf"},
      defaultValue = "1",
      paramLabel = "LINF",
      description =
          "L∞: rows one privacy unit may contribute to one group (default: ${DEFAULT-VALUE}).")
  long lInf;

  @Option(
      names = "--epsilon",
      required = true,
      paramLabel = "E",
      description = "The epsilon this query spends.")
  double epsilon;

  @Option(
      names = "--delta",
      defaultValue = "0",
      paramLabel = "D",
      description = "The delta this query spends (default: ${DEFAULT-VALUE}).")
  double delta;

  @Option(
      names = "--noise",
      defaultValue = "laplace",
      paramLabel = "laplace|gaussian|auto",
      description =
          "The noise; auto picks the one with the smaller predicted error (default:"
              + " ${DEFAULT-VALUE}).")
  String noise;

  @Option(
      names = "--explain",
      description =
          "Validate and plan the query, print the accuracy it will have (per statistic: noise"
              + " standard deviation and 95% interval half-width; with private groups, the units a"
              + " group needs to be kept) and exit 0. Reads no rows (only the input's schema and"
              + " the public-groups file), charges nothing, writes nothing.")
  boolean explain;

  @Option(
      names = "--explain-rows",
      defaultValue = "1000",
      paramLabel = "N",
      description =
          "With --explain: the kept rows per group at which means, variances and standard"
              + " deviations are predicted (default: ${DEFAULT-VALUE}).")
  long explainRows;

  @Mixin JobOptions.LedgerOptions ledgerOptions;

  @Mixin JobOptions.Output output;

  @Option(
      names = "--round-counts",
      description =
          "Release every count rounded to an integer, its interval's ends rounded outward (floor,"
              + " ceil): post-processing of the noisy count, free of charge (docs/JOBS.md).")
  boolean roundCounts;

  /** What ran the query, so that a failure after the charge can name the entry. */
  private JobLedger.ReceiptJournal journal;

  /** A job that gets its session from {@code sessions} once the arguments parse. */
  public AggregateJob(Supplier<SparkSession> sessions) {
    super(sessions);
  }

  /** Runs the job on {@code spark} with these streams; returns the exit code (for tests). */
  public static int run(SparkSession spark, PrintWriter out, PrintWriter err, String... args) {
    return SparkJobs.run(new AggregateJob(() -> spark), out, err, args);
  }

  /**
   * Everything checked, nothing read but schemas, nothing written. {@code validated} is the query
   * on a throwaway budget, for {@code --explain} only: it is never run.
   */
  record Prepared(
      SparkSession spark,
      QuerySpec query,
      Dataset<Row> data,
      Dataset<Row> keys,
      Secret secret,
      JobLedger ledger,
      JobOutput output,
      PrivateAggregation validated) {}

  @Override
  Optional<Integer> endBeforeLedger(Prepared p) {
    return explain ? Optional.of(explain(p.validated())) : Optional.empty();
  }

  @Override
  JobLedger ledger(Prepared p) {
    return p.ledger();
  }

  @Override
  String dataset(Prepared p) {
    return SparkJobs.dataset(input, p.data());
  }

  @Override
  java.nio.file.Path releaseSecret() {
    return output.releaseSecret;
  }

  @Override
  Receipt charged() {
    return journal == null ? null : journal.receipt();
  }

  @Override
  Prepared prepare() {
    if (explainRows < 1) {
      throw new IllegalArgumentException("--explain-rows must be >= 1; got " + explainRows);
    }
    List<StatisticSpec> statistics =
        stats.stream()
            .map(StatisticSpec::parse)
            .map(s -> roundCounts ? s.roundedIfCount() : s)
            .toList();
    NoiseKind noiseKind = QuerySpec.noise(noise);
    input.unit = unit;
    QuerySpec query =
        new QuerySpec(name, groupBy, publicGroups, statistics, l0, lInf, epsilon, delta, noiseKind);
    String outputFormat = output.format();
    input.format();
    Secret secret = output.releaseSecret == null ? null : ReleaseSecrets.read(output.releaseSecret);

    SparkSession spark = spark();
    out("reading " + input.path + " (" + input.format() + ")");
    Dataset<Row> data =
        input.numeric(input.read(spark), statistics.stream().map(StatisticSpec::column).toList());
    out("schema: " + data.schema().simpleString());
    query.requireColumns(data.schema(), input.unitColumn(), false);
    Dataset<Row> keys =
        publicGroups == null ? null : SparkJobs.readTable(spark, "--public-groups", publicGroups);
    // Validation only: cost() checks the whole query against the schema and charges nothing, so
    // this budget is never spent from.
    PrivateAggregation validated =
        query.build(
            data,
            input.unitColumn(),
            input.claim(ledgerOptions.unit),
            PrivacyBudget.inMemory(1, 0),
            keys,
            secret);
    if (keys != null) {
      SparkJobs.requireConvertibleKeys(data, keys, groupBy, "--public-groups " + publicGroups);
    }
    out(
        String.format(
            Locale.ROOT,
            "query %s: epsilon=%s delta=%s noise=%s, %d statistic(s): valid",
            name,
            epsilon,
            delta,
            noiseKind.name().toLowerCase(Locale.ROOT),
            statistics.size()));
    JobLedger ledger =
        JobLedger.prepare(HadoopLedgerStore.of(ledgerOptions.location, spark), ledgerOptions);
    JobOutput out = new JobOutput(spark, output.dir, outputFormat);
    out.requireAbsent(List.of(name));
    return new Prepared(spark, query, data, keys, secret, ledger, out, validated);
  }

  /**
   * {@code --explain}: prints {@link PrivateAggregation#explain(long)}, which plans the query from
   * its parameters alone. No row has been read (only the schema and the public keys), nothing is
   * charged, and the ledger and output are left as they are.
   */
  private int explain(PrivateAggregation query) {
    QueryAccuracy accuracy = query.explain(explainRows);
    List<String> names = query.statisticNames();
    out("explain: no rows read, nothing charged, nothing written");
    out(
        String.format(
            Locale.ROOT,
            "  noise:   %s%s",
            accuracy.noise().name().toLowerCase(Locale.ROOT),
            QuerySpec.noise(noise) == NoiseKind.AUTO ? " (chosen by --noise auto)" : ""));
    out(String.format(Locale.ROOT, "  cost:    epsilon=%s delta=%s", epsilon, delta));
    out(
        String.format(
            Locale.ROOT,
            "  means, variances, standard deviations and quantiles: predicted for groups of"
                + " %d kept rows spread over the bounds (--explain-rows)",
            accuracy.rows()));
    out(
        String.format(
            Locale.ROOT, "  %-32s %14s %16s", "statistic", "noise std", "95% half-width"));
    for (int i = 0; i < names.size(); i++) {
      QueryAccuracy.StatisticAccuracy a = accuracy.statistics().get(i);
      String halfWidth =
          Double.isNaN(a.halfWidth95())
              ? "data-dependent"
              : String.format(Locale.ROOT, "%.6g", a.halfWidth95());
      out(
          String.format(
              Locale.ROOT,
              "  %-32s %14.6g %16s%s",
              names.get(i),
              a.noiseStd(),
              halfWidth,
              note(a.statistic())));
    }
    if (accuracy.unitsForHalf() > 0) {
      out(
          String.format(
              Locale.ROOT,
              "  private groups: a group is kept with probability 50%% from %d units, 95%% from %s",
              accuracy.unitsForHalf(),
              accuracy.unitsFor95() == Long.MAX_VALUE
                  ? "never"
                  : accuracy.unitsFor95() + " units"));
    }
    return SparkJobs.OK;
  }

  /**
   * What a statistic's two figures mean when they are not plain (docs/AGGREGATIONS.md, "Accuracy
   * before spending").
   */
  private static String note(Statistic statistic) {
    if (statistic instanceof Histogram) {
      return "  (per bin)";
    }
    if (statistic instanceof Quantiles) {
      return "  (both in the value's units; the widest rank)";
    }
    return "";
  }

  @Override
  int release(Prepared p, Ledger ledger, PrivacyGuarantee before, String dataset) throws Exception {
    journal = new JobLedger.ReceiptJournal(ledger, parameters(), dataset);
    // run() charges, then computes the release (its Spark job runs inside run()): over budget, it
    // throws before a task reads a row.
    Dataset<Row> result =
        p.query()
            .build(
                p.data(),
                input.unitColumn(),
                input.claim(ledgerOptions.unit),
                journal.budget(),
                p.keys(),
                p.secret())
            .run();
    Receipt receipt = journal.receipt();
    out("charged ledger entry " + receipt.index());
    if (!p.query().roundedNames(p.validated()).isEmpty()) {
      result = CountRounding.apply(result, p.query().roundedNames(p.validated()));
    }
    long written = p.output().writeResult(name, result, groupBy);
    out("wrote " + written + " row(s) to " + p.output().resultPath(name));
    PrivacyGuarantee after = ledger.spent();
    Map<String, Object> release = new LinkedHashMap<>();
    release.put("job", "aggregate");
    release.put("query", p.query().describe());
    release.put("epsilon", epsilon);
    release.put("delta", delta);
    release.put("mechanism", MECHANISM);
    release.put("epsilonAtBudgetDelta", SparkJobs.epsilonOf(journal.event(), ledger));
    release.put("ledger", p.ledger().location());
    release.put("origin", ledger.genesis().origin());
    release.put("reproducible", p.secret() != null);
    release.put("roundedCounts", roundCounts);
    p.output().writeReceipt(name, receipt, release);
    out("wrote receipt " + p.output().receiptPath(name));
    summary(
        before,
        after,
        ledger,
        p.ledger().location(),
        receipt,
        p.output().resultPath(name).toString(),
        p.output().receiptPath(name).toString(),
        written);
    return SparkJobs.OK;
  }

  private void summary(
      PrivacyGuarantee before,
      PrivacyGuarantee after,
      Ledger ledger,
      String location,
      Receipt receipt,
      String result,
      String receiptPath,
      long written) {
    out("summary:");
    spentLine(before, after, ledger);
    remainingLine(after, ledger);
    ledgerLine(ledger, location, receipt.index(), "");
    out("  result:            " + result + " (" + written + " rows)");
    out("  receipt:           " + receiptPath);
  }
}
