package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review of issue 15 (audit --html): when an audit with --html ends without writing a page (the
 * auditor's input error, exit 2), the page left at OUT by an earlier audit still says "Intact and
 * within budget" with that audit's spent and remaining figures. The auditor re-running a scripted
 * audit reads a verdict and figures this run did not verify. OUT must not be left holding a pass.
 */
class AuditHtmlReviewTest {
  @TempDir Path tmp;
  private Path ledger;
  private Path key;
  private Path pub;

  @BeforeEach
  void init() {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/holder.key");
    pub = tmp.resolve("keys/holder.key.pub");
    CliRun r =
        CliRun.of(
            "ledger",
            "init",
            ledger.toString(),
            "--unit",
            "person",
            "--budget-epsilon",
            "1.0",
            "--budget-delta",
            "1e-6",
            "--key-out",
            key.toString(),
            "--origin",
            "example.org/review");
    assertThat(r.exit()).as(r.err()).isZero();
    CliRun rec =
        CliRun.of(
            "ledger",
            "record",
            ledger.toString(),
            "--unit",
            "person",
            "--key",
            key.toString(),
            "--event",
            "laplace:b=8",
            "--mechanism",
            "private-aggregation");
    assertThat(rec.exit()).as(rec.err()).isZero();
  }

  @Test
  void verifyHtml_ofALedgerThatIsGoneAfterAPass_leavesNoPassingPageBehind() throws Exception {
    Path html = tmp.resolve("report.html");
    CliRun pass =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--html",
            html.toString());
    assertThat(pass.exit()).as(pass.err()).isZero();
    assertThat(Files.readString(html, StandardCharsets.UTF_8)).contains("Intact and within budget");

    // The holder removes the whole ledger; the auditor re-runs the same command.
    try (Stream<Path> files = Files.walk(ledger)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.createDirectories(ledger);
    CliRun again =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--html",
            html.toString());
    assertThat(again.exit()).isNotZero();
    if (Files.exists(html)) {
      assertThat(Files.readString(html, StandardCharsets.UTF_8))
          .doesNotContain("Intact and within budget")
          .doesNotContain("Spent")
          .doesNotContain("Remaining");
    }
  }

  /**
   * A pass, then the auditor's input errors: each leaves the "not audited" page at OUT, with why.
   */
  @Test
  void verifyHtml_endingInAnInputError_writesTheNotAuditedPage() throws Exception {
    Path html = tmp.resolve("report.html");
    String[][] errors = {
      {"--budget-proof", tmp.resolve("no-such.proof").toString()},
      {"--checkpoint", tmp.resolve("no-such.checkpoint").toString()},
      {"--no-such-option"},
    };
    for (String[] extra : errors) {
      CliRun pass =
          CliRun.of(
              "audit",
              "verify",
              ledger.toString(),
              "--public-key",
              pub.toString(),
              "--html",
              html.toString());
      assertThat(pass.exit()).as(pass.err()).isZero();
      String[] args =
          Stream.concat(
                  Stream.of(
                      "audit",
                      "verify",
                      ledger.toString(),
                      "--public-key",
                      pub.toString(),
                      "--html",
                      html.toString()),
                  Stream.of(extra))
              .toArray(String[]::new);
      CliRun again = CliRun.of(args);
      assertThat(again.exit()).as(again.err()).isEqualTo(2);
      String page = Files.readString(html, StandardCharsets.UTF_8);
      assertThat(page)
          .as(String.join(" ", extra))
          .contains("Not audited")
          .contains(extra[0])
          .doesNotContain("within budget")
          .doesNotContain("Spent")
          .doesNotContain("Remaining")
          .doesNotContain("<svg");
    }
  }

  /** A key that cannot be read: the page says so instead of a fingerprint. */
  @Test
  void verifyHtml_withAMissingKey_writesTheNotAuditedPage() throws Exception {
    Path html = tmp.resolve("report.html");
    assertThat(
            CliRun.of(
                    "audit",
                    "verify",
                    ledger.toString(),
                    "--public-key",
                    pub.toString(),
                    "--html",
                    html.toString())
                .exit())
        .isZero();
    CliRun again =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            tmp.resolve("nokey.pub").toString(),
            "--html",
            html.toString());
    assertThat(again.exit()).isEqualTo(2);
    assertThat(Files.readString(html, StandardCharsets.UTF_8))
        .contains("Not audited")
        .contains("none: the key was not read")
        .doesNotContain("Spent");
  }
}
