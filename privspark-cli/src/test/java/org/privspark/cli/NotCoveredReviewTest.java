package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review of issue 15: a budget proof of an earlier checkpoint leaves the newer entries unproven
 * (exit 1, and the new HTML page says "Not covered", class bad). The same audit's --json says
 * {@code "withinBudget": true} and its text says "within budget: 1 entries" on stdout: a script
 * that reads either is told the ledger passed. The three outputs of one audit must agree.
 */
class NotCoveredReviewTest {
  @TempDir Path tmp;
  private Path ledger;
  private Path key;
  private Path pub;
  private Path proof;

  @BeforeEach
  void init() {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/holder.key");
    pub = tmp.resolve("keys/holder.key.pub");
    proof = tmp.resolve("budget.proof");
    assertThat(
            CliRun.of(
                    "ledger",
                    "init",
                    ledger.toString(),
                    "--unit",
                    "person",
                    "--mode",
                    "confidential",
                    "--budget-epsilon",
                    "2.0",
                    "--budget-delta",
                    "1e-6",
                    "--key-out",
                    key.toString(),
                    "--origin",
                    "example.org/confidential",
                    "--orders",
                    "1.5,2,4,8,16,32,64")
                .exit())
        .isZero();
    assertThat(record().exit()).isZero();
    assertThat(
            CliRun.of(
                    "ledger",
                    "prove-budget",
                    ledger.toString(),
                    "--key",
                    key.toString(),
                    "--out",
                    proof.toString())
                .exit())
        .isZero();
    assertThat(record().exit()).isZero(); // not covered by the proof
  }

  private CliRun record() {
    return CliRun.of(
        "ledger",
        "record",
        ledger.toString(),
        "--unit",
        "person",
        "--key",
        key.toString(),
        "--event",
        "gaussian:sigma=6",
        "--mechanism",
        "private-aggregation");
  }

  @Test
  void notCovered_json_doesNotSayWithinBudget() throws Exception {
    CliRun v =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString(),
            "--json");
    assertThat(v.exit()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(v.out());
    assertThat(json.path("withinBudget").asBoolean(false)).as(v.out()).isFalse();
  }

  @Test
  void notCovered_text_doesNotSayWithinBudgetOnStdout() {
    Path html = tmp.resolve("report.html");
    CliRun v =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString(),
            "--html",
            html.toString());
    assertThat(v.exit()).isEqualTo(1);
    assertThat(html).exists();
    assertThat(v.out()).as("stdout of a run that exits 1").doesNotContain("within budget");
  }
}
