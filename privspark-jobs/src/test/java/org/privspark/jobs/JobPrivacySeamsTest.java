package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.jobs.JobFixture.entries;
import static org.privspark.jobs.JobFixture.job;
import static org.privspark.jobs.JobFixture.resultText;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.noise.Secret;
import org.privspark.jobs.JobFixture.Run;

/**
 * Issue 12 at the jobs' seams (found by the hostile review): what the jobs read before the charge,
 * what can fail after it, and report secrets that must not key a second release.
 */
class JobPrivacySeamsTest {
  @TempDir Path tmp;

  /** A CSV of {@code rows} people (id, v), v = 10 except the first, whose v is {@code first}. */
  private Path csv(String name, int rows, String first) throws Exception {
    List<String> lines = new ArrayList<>(List.of("id,v"));
    for (int i = 0; i < rows; i++) {
      lines.add(i + "," + (i == 0 ? first : "10"));
    }
    Path f = tmp.resolve(name);
    Files.write(f, lines);
    return f;
  }

  private List<String> aggregate(Path input, String name, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                input.toString(),
                "--privacy-unit",
                "id",
                "--name",
                name,
                "--ledger",
                tmp.resolve("ledger").toString(),
                "--unit",
                "person",
                "--key",
                tmp.resolve("keys/k.key").toString(),
                "--budget-epsilon",
                "5",
                "--budget-delta",
                "1e-5",
                "--output",
                tmp.resolve("out-" + name).toString()));
    args.addAll(List.of(more));
    return args;
  }

  /**
   * The report records the report secret's id; each query's noise is keyed by its derived secret
   * bound to that id. A query's derived secret, reused as an aggregate's secret on D minus one
   * person, is charged under its own id, so its noise is not the query's: the difference of the two
   * results is not the exact difference (it was exactly 1.0 before).
   */
  @Test
  void reportQuerySecret_reusedOnNeighbouringData_doesNotReproduceTheQuerysNoise()
      throws Exception {
    Path d = csv("d.csv", 200, "10");
    Path dMinusOne = csv("d1.csv", 199, "10");
    Path reportSecret = JobFixture.secretFile(tmp, 7);
    Path queries = tmp.resolve("q.json");
    Files.writeString(
        queries,
        """
        {"report": "r", "queries": [{"name": "q", "statistics": [{"kind": "count"}], "epsilon": 0.1}]}
        """);
    Run report =
        job(
            ReportJob::run,
            List.of(
                "--queries",
                queries.toString(),
                "--input",
                d.toString(),
                "--schema",
                "id INT, v INT",
                "--privacy-unit",
                "id",
                "--ledger",
                tmp.resolve("ledger").toString(),
                "--unit",
                "person",
                "--key",
                tmp.resolve("keys/k.key").toString(),
                "--budget-epsilon",
                "5",
                "--budget-delta",
                "1e-5",
                "--output",
                tmp.resolve("out-report").toString(),
                "--release-secret",
                reportSecret.toString()));
    assertThat(report.exit()).as(report.all()).isZero();

    Secret derived = ReleaseSecrets.forQuery(ReleaseSecrets.read(reportSecret), "q");
    Path derivedFile = tmp.resolve("derived.secret");
    Files.writeString(derivedFile, HexFormat.of().formatHex(derived.bytes()) + "\n");
    Run again =
        job(
            AggregateJob::run,
            aggregate(
                dMinusOne,
                "q2",
                "--schema",
                "id INT, v INT",
                "--stat",
                "count",
                "--epsilon",
                "0.1",
                "--release-secret",
                derivedFile.toString()));
    assertThat(again.exit()).as(again.all()).isZero();
    double onD = firstValue(resultText(tmp.resolve("out-report/q")));
    double onDMinusOne = firstValue(resultText(tmp.resolve("out-q2/q2")));
    assertThat(onD - onDMinusOne)
        .as("the exact difference would reveal the person")
        .isNotEqualTo(1.0);
    assertThat(entries(tmp.resolve("ledger"))).hasSize(2);
  }

  private static double firstValue(String csv) {
    return Double.parseDouble(csv.strip().split("\n")[1].split(",")[0]);
  }

  /**
   * A value that does not fit the declared type (v = 123456 as TINYINT) is a missing value, read
   * after the charge: it must not fail the release (before, FAILFAST failed it after the charge,
   * one bit of whether any value fits a type the analyst chose).
   */
  @Test
  void valueThatDoesNotFitTheSchema_isMissing_notAFailureAfterTheCharge() throws Exception {
    Path d = csv("d.csv", 50, "123456");
    Run r =
        job(
            AggregateJob::run,
            aggregate(
                d,
                "tiny",
                "--schema",
                "id INT, v TINYINT",
                "--stat",
                "sum:v:0:200",
                "--epsilon",
                "0.5"));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.all()).doesNotContain("123456");
    assertThat(entries(tmp.resolve("ledger"))).hasSize(1);
  }

  /**
   * Without --schema no value is read before the charge: the schema the job prints (and commits) is
   * the same whether one person's value is 10 or 10.5 (schema inference used to print int or
   * double, for free, even when the request was then refused as over budget).
   */
  @Test
  void withoutSchema_thePrintedSchemaDoesNotDependOnTheValues() throws Exception {
    List<String> schemas = new ArrayList<>();
    for (String odd : List.of("10", "10.5")) {
      Run r =
          job(
              AggregateJob::run,
              List.of(
                  "--input",
                  csv("v" + odd + ".csv", 50, odd).toString(),
                  "--privacy-unit",
                  "id",
                  "--stat",
                  "mean:v:0:20",
                  "--epsilon",
                  "100",
                  "--name",
                  "x",
                  "--ledger",
                  tmp.resolve("l" + odd).toString(),
                  "--unit",
                  "person",
                  "--key",
                  tmp.resolve("k" + odd + "/k.key").toString(),
                  "--budget-epsilon",
                  "1",
                  "--budget-delta",
                  "1e-5",
                  "--output",
                  tmp.resolve("o" + odd).toString()));
      assertThat(r.exit()).as("over budget: refused").isEqualTo(3);
      schemas.add(r.out().lines().filter(l -> l.startsWith("schema:")).findFirst().orElseThrow());
    }
    assertThat(schemas.get(0)).isEqualTo(schemas.get(1));
  }

  @Test
  void schemaInferenceAndFailFast_areRefusedBeforeAnythingIsRead() throws Exception {
    Path d = csv("d.csv", 10, "10");
    Run infer =
        job(
            AggregateJob::run,
            aggregate(
                d, "a", "--stat", "count", "--epsilon", "1", "--csv-option", "inferSchema=true"));
    assertThat(infer.exit()).isEqualTo(2);
    assertThat(infer.err())
        .contains("schema inference reads the private values before anything is charged");
    Run failFast =
        job(
            AggregateJob::run,
            aggregate(
                d, "b", "--stat", "count", "--epsilon", "1", "--csv-option", "mode=FAILFAST"));
    assertThat(failFast.exit()).isEqualTo(2);
    assertThat(failFast.err()).contains("mode must be PERMISSIVE or DROPMALFORMED");
    assertThat(Files.exists(tmp.resolve("ledger"))).isFalse();
  }

  /** Second hostile review: without a header line the schema came from the first private row. */
  @Test
  void csvWithoutHeader_needsASchema() throws Exception {
    Path d = csv("d.csv", 10, "10");
    Run r =
        job(
            AggregateJob::run,
            aggregate(d, "h", "--stat", "count", "--epsilon", "1", "--csv-option", "header=false"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("header=false needs --schema");
    assertThat(Files.exists(tmp.resolve("ledger"))).isFalse();
  }
}
