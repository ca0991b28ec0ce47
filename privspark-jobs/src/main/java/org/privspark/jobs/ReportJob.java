package org.privspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.Receipt;
import org.privspark.core.ledger.ReleaseDetails;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ledger.HadoopLedgerStore;
import org.privspark.spark.sql.PrivateAggregation;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Job {@code report}: a battery of DP queries from a JSON query file ({@link ReportSpec}), such as
 * "monthly statistics", over one data set and charged to one ledger (docs/JOBS.md).
 *
 * <p><b>One release.</b> The queries' events are composed ({@link ComposedEvent}) and appended as
 * one ledger entry, mechanism {@value #MECHANISM}, before any query runs: the report is charged
 * whole or not at all (over budget: exit 3, nothing charged), never half-way. Each query then runs
 * against that pre-paid entry (a query whose cost differs from what was paid for is refused), and
 * each result gets a copy of the entry's receipt, naming its query.
 *
 * <p><b>Secrets.</b> With {@code --release-secret}, query {@code q} uses HMAC-SHA256(secret, q's
 * name) ({@link ReleaseSecrets#forQuery}): the report is reproducible and no two queries share a
 * secret. Without it, every query draws a fresh secret.
 *
 * <p>Validation comes first, as in {@link AggregateJob}: every query is checked against the schema
 * before anything is charged or created. Not thread-safe; one run per instance.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    versionProvider = JobVersion.class,
    sortOptions = false,
    description =
        "Run a battery of DP queries from a JSON file as one release charged to a ledger.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed (ledger, write, Spark, internal state); says whether anything was charged",
      "2:bad arguments or specification; nothing charged",
      "3:over budget; nothing charged, no row read"
    })
public final class ReportJob extends SparkJob<ReportJob.Prepared> {
  /** The ledger's mechanism name for a report's composed entry. */
  static final String MECHANISM = "private-report";

  @Option(
      names = "--queries",
      required = true,
      paramLabel = "FILE",
      description = "The report's JSON query file.")
  Path queries;

  @Mixin JobOptions.Input input;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Privacy unit (one of):%n")
  JobOptions.Input.Unit unit;

  @Mixin JobOptions.LedgerOptions ledgerOptions;

  @Mixin JobOptions.Output output;

  /** The report's one entry, once charged. */
  private Receipt receipt;

  /** A job that gets its session from {@code sessions} once the arguments parse. */
  public ReportJob(Supplier<SparkSession> sessions) {
    super(sessions);
  }

  /** Runs the job on {@code spark} with these streams; returns the exit code (for tests). */
  public static int run(SparkSession spark, PrintWriter out, PrintWriter err, String... args) {
    return SparkJobs.run(new ReportJob(() -> spark), out, err, args);
  }

  /** Everything checked and every query's cost known; nothing read but schemas and public keys. */
  record Prepared(
      ReportSpec report,
      Dataset<Row> data,
      List<Dataset<Row>> keys,
      List<PrivacyEvent> events,
      Secret secret,
      JobLedger ledger,
      JobOutput output) {}

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
    return receipt;
  }

  @Override
  Prepared prepare() {
    ReportSpec report = ReportSpec.read(queries);
    input.unit = unit;
    String outputFormat = output.format();
    input.format();
    Secret secret = output.releaseSecret == null ? null : ReleaseSecrets.read(output.releaseSecret);

    SparkSession spark = spark();
    out("report " + report.report() + ": " + report.queries().size() + " queries from " + queries);
    out("reading " + input.path + " (" + input.format() + ")");
    Dataset<Row> data =
        input.numeric(
            input.read(spark),
            report.queries().stream()
                .flatMap(q -> q.statistics().stream())
                .map(StatisticSpec::column)
                .toList());
    out("schema: " + data.schema().simpleString());
    List<Dataset<Row>> keys = new ArrayList<>();
    List<PrivacyEvent> events = new ArrayList<>();
    for (QuerySpec q : report.queries()) {
      q.requireColumns(data.schema(), input.unitColumn(), true);
      Dataset<Row> k =
          q.publicGroups() == null
              ? null
              : SparkJobs.readTable(
                  spark, "publicGroups of query '" + q.name() + "'", q.publicGroups());
      keys.add(k);
      // Validation and cost only: this budget is never spent from.
      events.add(
          q.build(
                  data,
                  input.unitColumn(),
                  input.claim(ledgerOptions.unit),
                  PrivacyBudget.inMemory(1, 0),
                  k,
                  null)
              .cost());
      if (k != null) {
        SparkJobs.requireConvertibleKeys(
            data, k, q.groupBy(), "publicGroups of query '" + q.name() + "'");
      }
      out(
          String.format(
              Locale.ROOT,
              "  query %s: epsilon=%s delta=%s noise=%s, %d statistic(s): valid",
              q.name(),
              q.epsilon(),
              q.delta(),
              q.noise().name().toLowerCase(Locale.ROOT),
              q.statistics().size()));
    }
    JobLedger ledger =
        JobLedger.prepare(HadoopLedgerStore.of(ledgerOptions.location, spark), ledgerOptions);
    JobOutput out = new JobOutput(spark, output.dir, outputFormat);
    out.requireAbsent(report.queries().stream().map(QuerySpec::name).toList());
    return new Prepared(report, data, keys, events, secret, ledger, out);
  }

  @Override
  int release(Prepared p, Ledger ledger, PrivacyGuarantee before, String dataset) throws Exception {
    ReportSpec report = p.report();
    StringBuilder description = new StringBuilder("report " + report.report());
    report.queries().forEach(q -> description.append("\n").append(q.describe()));
    PrivacyEvent total = new ComposedEvent(p.events());
    // One entry for the whole report, before any query runs; over budget, nothing is charged (the
    // report's queries are charged together). It carries the release id of the report's secret: a
    // second report keyed by the same secret file is refused (its queries' secrets derive from it).
    receipt =
        ledger.append(
            MECHANISM,
            total,
            new ReleaseDetails(description.toString(), parameters(), dataset, ""),
            p.secret() == null ? null : p.secret().releaseId(),
            input.claim(ledgerOptions.unit));
    out(
        "charged ledger entry "
            + receipt.index()
            + " for all "
            + report.queries().size()
            + " queries");
    JobLedger.PrepaidJournal journal =
        new JobLedger.PrepaidJournal(
            ledger, p.events(), p.secret() == null ? null : p.secret().releaseId());
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < report.queries().size(); i++) {
      QuerySpec q = report.queries().get(i);
      Secret s = p.secret() == null ? null : ReleaseSecrets.forQuery(p.secret(), q.name());
      PrivateAggregation built =
          q.build(
              p.data(),
              input.unitColumn(),
              input.claim(ledgerOptions.unit),
              journal.budget(),
              p.keys().get(i),
              s);
      Dataset<Row> result = built.run();
      List<String> rounded = q.roundedNames(built);
      if (!rounded.isEmpty()) {
        result = CountRounding.apply(result, rounded);
      }
      long written = p.output().writeResult(q.name(), result, q.groupBy());
      Map<String, Object> release = new LinkedHashMap<>();
      release.put("job", "report");
      release.put("report", report.report());
      release.put("query", q.describe());
      release.put("epsilon", q.epsilon());
      release.put("delta", q.delta());
      release.put("mechanism", MECHANISM);
      release.put("epsilonAtBudgetDelta", SparkJobs.epsilonOf(p.events().get(i), ledger));
      release.put("reportEpsilonAtBudgetDelta", SparkJobs.epsilonOf(total, ledger));
      release.put("ledger", p.ledger().location());
      release.put("origin", ledger.genesis().origin());
      release.put("reproducible", p.secret() != null);
      p.output().writeReceipt(q.name(), receipt, release);
      out(
          "  "
              + q.name()
              + ": wrote "
              + written
              + " row(s) to "
              + p.output().resultPath(q.name())
              + " and "
              + p.output().receiptPath(q.name()).getName());
      lines.add(
          String.format(
              Locale.ROOT,
              "    %-28s %6d rows  %s",
              q.name(),
              written,
              p.output().resultPath(q.name())));
    }
    PrivacyGuarantee after = ledger.spent();
    out("summary:");
    out("  report:            " + report.report() + " (" + report.queries().size() + " queries)");
    spentLine(before, after, ledger);
    remainingLine(after, ledger);
    ledgerLine(ledger, p.ledger().location(), receipt.index(), "");
    out("  results:");
    lines.forEach(this::out);
    return SparkJobs.OK;
  }
}
