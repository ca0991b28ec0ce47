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
 * Review of e86ec43: the allow-list checks the CSV options' names, not their values. With --schema
 * (no header read on the driver), an invalid value such as encoding=no-such-charset is first seen
 * by Spark when the scan runs, after the charge: a bad parameter must be refused before anything is
 * charged.
 */
class CsvOptionValueBeforeChargeReviewTest {
  @TempDir Path tmp;

  @Test
  void aggregate_invalidCsvOptionValue_isRefusedBeforeTheCharge() throws Exception {
    Path csv = tmp.resolve("people.csv");
    Files.writeString(csv, "name,age\nann,30\nbob,41\n");
    Path ledger = tmp.resolve("ledger");
    Run r =
        job(
            AggregateJob::run,
            List.of(
                "--input",
                csv.toString(),
                "--schema",
                "name STRING, age INT",
                "--csv-option",
                "encoding=no-such-charset",
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
    assertThat(chargedThenFailed).as("charged, then failed on a bad option: " + r.all()).isFalse();
  }
}
