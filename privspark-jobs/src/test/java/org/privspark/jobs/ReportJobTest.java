package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.jobs.JobFixture.ADULT;
import static org.privspark.jobs.JobFixture.ADULT_SCHEMA;
import static org.privspark.jobs.JobFixture.EDUCATION;
import static org.privspark.jobs.JobFixture.auditVerifies;
import static org.privspark.jobs.JobFixture.entries;
import static org.privspark.jobs.JobFixture.job;
import static org.privspark.jobs.JobFixture.receiptVerifies;
import static org.privspark.jobs.JobFixture.resultText;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.privspark.core.noise.Secret;
import org.privspark.jobs.JobFixture.Run;

/**
 * The {@code report} job: "monthly statistics" on the Adult data, three queries charged as one
 * ledger entry, each with its result and receipt; refusals charge nothing.
 */
class ReportJobTest {
  /**
   * Three queries: public groups (relative path), private groups with Gaussian noise, a global row.
   */
  private static final String MONTHLY =
      """
      {
        "report": "monthly-statistics",
        "queries": [
          {"name": "people-by-education", "groupBy": ["education"], "publicGroups": "education.csv",
           "statistics": [{"kind": "count"}], "epsilon": 0.25},
          {"name": "age-by-occupation", "groupBy": ["occupation"],
           "statistics": [{"kind": "count-distinct-units"}, {"kind": "mean", "column": "age", "lower": 17, "upper": 90}],
           "epsilon": 0.5, "delta": 1e-6, "noise": "gaussian"},
          {"name": "hours", "statistics": [
             {"kind": "mean", "column": "hours_per_week", "lower": 0, "upper": 80},
             {"kind": "quantiles", "column": "hours_per_week", "lower": 0, "upper": 80, "ranks": [0.5, 0.9]}],
           "epsilon": 0.25}
        ]
      }
      """;

  @TempDir Path tmp;
  private Path ledger;
  private Path key;
  private Path pub;

  @BeforeEach
  void paths() throws Exception {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/monthly.key");
    pub = tmp.resolve("keys/monthly.key.pub");
    JobFixture.educationGroups(tmp);
  }

  private Path queries(String json) throws Exception {
    Path f = tmp.resolve("monthly-" + Integer.toHexString(json.hashCode()) + ".json");
    Files.writeString(f, json);
    return f;
  }

  private List<String> args(Path queries, Path output, Path secret) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--queries",
                queries.toString(),
                "--input",
                ADULT,
                "--schema",
                ADULT_SCHEMA,
                "--csv-option",
                "ignoreLeadingWhiteSpace=true",
                "--row-is-unit",
                "--ledger",
                ledger.toString(),
                "--unit",
                "person",
                "--key",
                key.toString(),
                "--budget-epsilon",
                "2",
                "--budget-delta",
                "1e-5",
                "--output",
                output.toString()));
    if (secret != null) {
      a.addAll(List.of("--release-secret", secret.toString()));
    }
    return a;
  }

  private static Run report(List<String> args) {
    return job(ReportJob::run, args);
  }

  @Test
  void report_monthlyStatistics_oneEntryThreeResultsAndReceipts() throws Exception {
    Path out = tmp.resolve("out");
    Run r = report(args(queries(MONTHLY), out, JobFixture.secretFile(tmp, 3)));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("charged ledger entry 1 for all 3 queries")
        .doesNotContain("32561")
        .contains("report:            monthly-statistics (3 queries)");

    assertThat(resultText(out.resolve("people-by-education")).lines().count())
        .isEqualTo(1 + EDUCATION.size());
    assertThat(resultText(out.resolve("hours")).lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("mean_hours_per_week,");
    assertThat(resultText(out.resolve("age-by-occupation")).lines().count()).isBetween(11L, 16L);
    for (String name : List.of("people-by-education", "age-by-occupation", "hours")) {
      JsonNode receipt = receiptVerifies(out.resolve(name + ".receipt.json"), pub);
      assertThat(receipt.get("entry").get("index").asLong()).isEqualTo(1);
      assertThat(receipt.get("release").get("report").asText()).isEqualTo("monthly-statistics");
      assertThat(receipt.get("release").get("query").asText()).startsWith(name + ": ");
    }
    JsonNode audit = auditVerifies(ledger, pub);
    assertThat(audit.get("entries").asLong()).isEqualTo(1);
    assertThat(audit.get("mechanisms").get("private-report").get("entries").asLong()).isEqualTo(1);
    // Laplace 0.25 + 0.25 (pure), Gaussian 0.5 at 1e-6: composed by RDP at the budget's δ = 1e-5.
    assertThat(audit.get("spentEpsilon").asDouble()).isBetween(0.5, 1.0 + 1e-6);
  }

  @Test
  void report_sameSecretTwice_identicalResults() throws Exception {
    Path secret = JobFixture.secretFile(tmp, 4);
    Path q = queries(MONTHLY);
    assertThat(report(args(q, tmp.resolve("a"), secret)).exit()).isZero();
    ledger = tmp.resolve("ledger-b");
    key = tmp.resolve("keys/b.key");
    Run b = report(args(q, tmp.resolve("b"), secret));
    assertThat(b.exit()).as(b.all()).isZero();
    for (String name : List.of("people-by-education", "age-by-occupation", "hours")) {
      assertThat(resultText(tmp.resolve("b").resolve(name)))
          .as(name)
          .isEqualTo(resultText(tmp.resolve("a").resolve(name)));
    }
  }

  @Test
  void forQuery_distinctNames_giveDistinctSecretsFromOneReportSecret() {
    Secret report = Secret.fromBytes(new byte[32]);
    assertThat(ReleaseSecrets.forQuery(report, "a"))
        .isEqualTo(ReleaseSecrets.forQuery(report, "a"))
        .isNotEqualTo(ReleaseSecrets.forQuery(report, "b"))
        .isNotEqualTo(report);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown field|\"epsilon\": 0.25}|\"epsilon\": 0.25, \"delt\": 1e-6}|Unrecognized field"
            + " \"delt\"",
        "missing epsilon|\"epsilon\": 0.25}|\"epsilom\": 0.25}|(at queries[0].epsilon)",
        "missing column|\"column\": \"age\"|\"column\": \"height\"|query 'age-by-occupation':"
            + " statistic mean: no column `height` in the input",
        "duplicate name|\"name\": \"hours\"|\"name\": \"people-by-education\"|'people-by-education'"
            + " appears twice",
        "bad noise|\"gaussian\"|\"cauchy\"|noise must be laplace, gaussian or auto",
        "bad rank|[0.5, 0.9]|[0.5, 1.9]|ranks of quantiles of 'hours_per_week' must be in [0, 1]",
        "not json|\"queries\": [|\"queries\": [[|--queries",
        "missing public groups|education.csv|nowhere.csv|publicGroups of query"
            + " 'people-by-education'",
        "private groups, no delta|\"delta\": 1e-6, |\"delta\": 0, |delta must be > 0",
      })
  void report_badQueryFile_exitsTwoAndCreatesNothing(
      String what, String from, String to, String message) throws Exception {
    String json =
        MONTHLY.replaceFirst(
            java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    assertThat(json).as(what).isNotEqualTo(MONTHLY);
    Run r = report(args(queries(json), tmp.resolve("out"), null));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).contains(message).contains("Try 'report --help'.").doesNotContain("Usage:");
    assertThat(Files.exists(ledger)).isFalse();
    assertThat(Files.exists(key)).isFalse();
    assertThat(Files.exists(tmp.resolve("out"))).isFalse();
  }

  @Test
  void report_overBudget_exitsThreeAndChargesNoQuery() throws Exception {
    // The third query alone would fit in what remains after the first report; the whole report does
    // not.
    assertThat(report(args(queries(MONTHLY), tmp.resolve("first"), null)).exit()).isZero();
    List<String> before = entries(ledger);
    double spent = auditVerifies(ledger, pub).get("spentEpsilon").asDouble();
    String bigger = MONTHLY.replace("\"epsilon\": 0.5, \"delta\"", "\"epsilon\": 1.5, \"delta\"");
    Run r = report(args(queries(bigger), tmp.resolve("second"), null));
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.err()).contains("privacy budget exhausted").contains("nothing was charged");
    assertThat(entries(ledger)).isEqualTo(before);
    assertThat(auditVerifies(ledger, pub).get("spentEpsilon").asDouble()).isEqualTo(spent);
    assertThat(Files.exists(tmp.resolve("second/hours"))).isFalse();
  }

  @Test
  void readSpec_exampleOfTheDocs_parsesEveryField() throws Exception {
    ReportSpec spec = ReportSpec.read(queries(MONTHLY));
    assertThat(spec.report()).isEqualTo("monthly-statistics");
    assertThat(spec.queries())
        .extracting(QuerySpec::name)
        .containsExactly("people-by-education", "age-by-occupation", "hours");
    QuerySpec age = spec.queries().get(1);
    assertThat(age.delta()).isEqualTo(1e-6);
    assertThat(age.maxGroupsContributed()).isEqualTo(1);
    assertThat(age.statistics().get(1)).hasToString("mean:age:17.0:90.0");
    assertThat(spec.queries().get(0).publicGroups())
        .isEqualTo(tmp.resolve("education.csv").toString());
  }
}
