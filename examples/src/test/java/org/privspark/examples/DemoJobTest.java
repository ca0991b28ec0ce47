package org.privspark.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.jobs.JobFixture;

/**
 * The README's first command, {@code bin/privspark-demo}, runs this job: aggregates, a DP-SGD model
 * and the audit, all on one ledger. The test runs it on the bundled Adult copy and checks what a
 * newcomer is told, and that the auditor's own command line agrees with the demo's summary.
 */
class DemoJobTest {
  @TempDir Path out;

  @Test
  void demo_onAdult_releasesAggregatesAndAModel_andTheLedgerVerifiesWithinBudget()
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Path data = Path.of(JobFixture.ADULT).getParent();

    DemoJob.Outcome o =
        DemoJob.run(
            JobFixture.spark(), data, out, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertThat(o.educationGroups()).as("every public education level, empty or not").isEqualTo(16);
    // True median of hours per week on Adult is 40; the 64-bin histogram's resolution is 100/64.
    assertThat(o.medianHours()).as(printed).isBetween(35.0, 45.0);
    // Non-private logistic regression reaches about 0.85; the majority class alone gives 0.76.
    assertThat(o.accuracy()).as(printed).isGreaterThan(0.80);
    assertThat(o.audit().intact()).as(o.audit().message()).isTrue();
    assertThat(o.audit().entries()).as("three aggregates and one model").isEqualTo(4);
    assertThat(o.audit().spentEpsilon()).isPositive().isLessThanOrEqualTo(DemoJob.BUDGET_EPSILON);
    assertThat(printed)
        .contains("ledger intact, 4 releases")
        .contains("bin/privspark audit verify");

    JsonNode report =
        JobFixture.auditVerifies(out.resolve("ledger"), out.resolve("ledger.key.pub"));
    assertThat(report.get("entries").asLong()).isEqualTo(4);
    assertThat(report.get("spentEpsilon").asDouble()).isEqualTo(o.audit().spentEpsilon());
  }
}
