package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.jobs.JobFixture.entries;
import static org.privspark.jobs.JobFixture.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.jobs.JobFixture.Run;

/**
 * Review of issue 15 (jobs): JobOptions.Input.checkCsvOptions refuses inferSchema, header=false
 * without --schema and a mode other than PERMISSIVE/DROPMALFORMED, and passes every other Spark CSV
 * option through. Some of them make the scan fail on a private VALUE, and the scan now runs only
 * after the charge (the rows are no longer counted first): with maxCharsPerColumn, one value longer
 * than the limit fails the release after its entry is charged, so whether the job fails depends on
 * the private data ("nothing data-dependent may fail after the charge").
 */
class CsvOptionsAfterChargeReviewTest {
  @TempDir Path tmp;

  @Test
  void aggregate_csvOptionThatFailsOnALongValue_isRefusedOrHarmless_neverChargedThenFailed()
      throws Exception {
    Path csv = tmp.resolve("people.csv");
    // One private value (a name, the group key) is longer than the limit. (Had the query not used
    // the
    // column, Spark's column pruning would skip it and the run succeeds: the failure is
    // value-dependent.)
    Files.writeString(csv, "name,age\nann,30\nbob,41\nbartholomew,52\n");
    Path ledger = tmp.resolve("ledger");
    Run r =
        job(
            AggregateJob::run,
            List.of(
                "--input",
                csv.toString(),
                "--csv-option",
                "maxCharsPerColumn=4",
                "--row-is-unit",
                "--group-by",
                "name",
                "--stat",
                "count",
                "--epsilon",
                "0.5",
                "--delta",
                "1e-6",
                "--ledger",
                ledger.toString(),
                "--unit",
                "person",
                "--key",
                tmp.resolve("k.key").toString(),
                "--budget-epsilon",
                "3",
                "--budget-delta",
                "1e-5",
                "--output",
                tmp.resolve("out").toString()));
    boolean chargedThenFailed = r.exit() == SparkJobs.FAILED && !entries(ledger).isEmpty();
    assertThat(chargedThenFailed)
        .as("charged, then failed on a private value: " + r.all())
        .isFalse();
  }

  @Test
  void aggregate_defaultCsvOptions_aRowWithTooManyFields_neverChargedThenFailed() throws Exception {
    // No --csv-option at all: Spark's default maxColumns (20480) is a limit on a private row too.
    Path csv = tmp.resolve("people.csv");
    Files.writeString(csv, "name,age\nann,30\nbob,41\ncarl" + ",".repeat(20_500) + "\n");
    Path ledger = tmp.resolve("ledger");
    Run r =
        job(
            AggregateJob::run,
            List.of(
                "--input",
                csv.toString(),
                "--row-is-unit",
                "--group-by",
                "name",
                "--stat",
                "count",
                "--epsilon",
                "0.5",
                "--delta",
                "1e-6",
                "--ledger",
                ledger.toString(),
                "--unit",
                "person",
                "--key",
                tmp.resolve("k.key").toString(),
                "--budget-epsilon",
                "3",
                "--budget-delta",
                "1e-5",
                "--output",
                tmp.resolve("out").toString()));
    boolean chargedThenFailed = r.exit() == SparkJobs.FAILED && !entries(ledger).isEmpty();
    assertThat(chargedThenFailed).as("charged, then failed on a private row: " + r.all()).isFalse();
  }
}
