package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A confidential ledger through the CLI: init, record, prove-budget, verify, open-sample,
 * spot-check.
 */
class ConfidentialCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NONCE = "00112233445566778899aabbccddeeff";

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
            "1.5,2,4,8,16,32,64");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("mode: confidential");
  }

  private CliRun record(String event) {
    return CliRun.of(
        "ledger",
        "record",
        ledger.toString(),
        "--unit",
        "person",
        "--key",
        key.toString(),
        "--event",
        event,
        "--mechanism",
        "private-aggregation");
  }

  private CliRun prove(Path out, String... extra) {
    String[] base = {
      "ledger", "prove-budget", ledger.toString(), "--key", key.toString(), "--out", out.toString()
    };
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.of(args);
  }

  @Test
  void recordProveVerify_reportsWithinBudgetWithoutAnyCost() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    assertThat(record("zcdp:rho=0.01,count=3").exit()).isZero();
    CliRun over = record("gaussian:sigma=0.5");
    assertThat(over.exit()).as("over budget").isEqualTo(3);
    Path proof = tmp.resolve("budget.proof");
    CliRun p = prove(proof);
    assertThat(p.exit()).as(p.err()).isZero();
    CliRun v =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString());
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
    assertThat(v.out())
        .contains("within budget: 2 entries, proven at order")
        .doesNotContain("spent")
        .doesNotContain("remaining");
    CliRun j =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString(),
            "--json");
    JsonNode json = JSON.readTree(j.out());
    assertThat(json.get("withinBudget").asBoolean()).isTrue();
    assertThat(json.get("entries").asLong()).isEqualTo(2);
    assertThat(json.has("spentEpsilon")).isFalse();
    assertThat(json.get("order").isNumber()).isTrue();
  }

  /** A proof of an earlier checkpoint leaves later entries unproven: not a pass for the ledger. */
  @Test
  void verify_proofOfAnEarlierCheckpoint_exitsOneNamingTheUncoveredEntries() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    Path proof = tmp.resolve("budget.proof");
    assertThat(prove(proof).exit()).isZero();
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    CliRun v =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString());
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err()).contains("NOT COVERED: the budget proof covers the first 1 of 2 entries");
  }

  @Test
  void verify_confidentialWithoutBudgetProof_exitsTwo() {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    CliRun v = CliRun.of("audit", "verify", ledger.toString(), "--public-key", pub.toString());
    assertThat(v.exit()).isEqualTo(2);
    assertThat(v.err()).contains("--budget-proof");
  }

  /**
   * --html without --budget-proof: the "not audited" page, which says what to give, and no figure.
   */
  @Test
  void verify_htmlWithoutBudgetProof_writesTheNotAuditedPage() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    Path html = tmp.resolve("report.html");
    Files.writeString(html, "an earlier page: Intact and within budget.", StandardCharsets.UTF_8);
    CliRun v =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--html",
            html.toString());
    assertThat(v.exit()).isEqualTo(2);
    assertThat(Files.readString(html, StandardCharsets.UTF_8))
        .contains("Not audited")
        .contains("--budget-proof")
        .doesNotContain("within budget")
        .doesNotContain("example.org/confidential")
        .doesNotContain("<svg");
  }

  /**
   * --html with --budget-proof writes what the confidential ledger's auditor may see: the verdict,
   * and each entry's time, mechanism name and δ; never its parameters, a cost or a running total.
   */
  @Test
  void verify_htmlWithBudgetProof_showsThePublicFieldsOnly() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    assertThat(record("zcdp:rho=0.01,count=3").exit()).isZero();
    Path proof = tmp.resolve("budget.proof");
    assertThat(prove(proof).exit()).isZero();
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
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertThat(page)
        .contains("Intact and within budget: a budget proof covers every entry.")
        .contains("<td class=\"n\">2</td>")
        .contains("private-aggregation")
        .contains("order α* =")
        .doesNotContain("sigma")
        .doesNotContain("rho")
        .doesNotContain("running ε")
        .doesNotContain("Spent")
        .doesNotContain("Remaining")
        .doesNotContain("<svg");
  }

  /** A proof that covers only the first entries: the page says so, as the text does. */
  @Test
  void verify_htmlWithAProofOfAnEarlierCheckpoint_saysNotCovered() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    Path proof = tmp.resolve("budget.proof");
    assertThat(prove(proof).exit()).isZero();
    assertThat(record("gaussian:sigma=6").exit()).isZero();
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
    assertThat(Files.readString(html, StandardCharsets.UTF_8))
        .contains("Not covered: the budget proof covers the first 1 of 2 entries")
        .contains("class=\"bad\"");
  }

  /** A confidential ledger that does not verify: the failure, and none of the ledger's figures. */
  @Test
  void verify_tamperedLedger_printsNoFigureOfIt() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    Path proof = tmp.resolve("budget.proof");
    assertThat(prove(proof).exit()).isZero();
    Files.delete(ledger.resolve("entries/00000000000000000001.json"));
    CliRun j =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString(),
            "--json");
    assertThat(j.exit()).isEqualTo(1);
    JsonNode json = JSON.readTree(j.out());
    assertThat(json.get("intact").asBoolean()).isFalse();
    assertThat(json.get("reason").asText()).isEqualTo("MISSING_ENTRY");
    assertThat(json.has("budgetEpsilon")).isFalse();
    assertThat(json.has("entries")).isFalse();
    assertThat(json.has("origin")).isFalse();
    CliRun t =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString());
    assertThat(t.exit()).isEqualTo(1);
    assertThat(t.out())
        .startsWith("REJECTED: MISSING_ENTRY")
        .doesNotContain("budget:")
        .doesNotContain("entries:")
        .doesNotContain("origin:");
    Path html = tmp.resolve("report.html");
    CliRun h =
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
    assertThat(h.exit()).isEqualTo(1);
    assertThat(Files.readString(html, StandardCharsets.UTF_8))
        .contains("Verification failed: MISSING_ENTRY")
        .doesNotContain("example.org/confidential")
        .doesNotContain("Budget")
        .doesNotContain("id=\"entries\"")
        .doesNotContain("private-aggregation");
  }

  /**
   * A proof file that does not parse: rejected, and the page says so (the auditor looks for it).
   */
  @Test
  void verify_htmlWithAnUnreadableProofFile_writesTheRejection() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    Path proof = tmp.resolve("budget.proof");
    Files.writeString(proof, "not a proof", StandardCharsets.UTF_8);
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
    assertThat(Files.readString(html, StandardCharsets.UTF_8))
        .contains("Verification failed: ")
        .contains("the budget proof file: ")
        .doesNotContain("id=\"entries\"")
        .doesNotContain("example.org");
  }

  @Test
  void verify_tamperedProof_exitsOne() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    Path proof = tmp.resolve("budget.proof");
    assertThat(prove(proof, "--order", "8").exit()).isZero();
    String text = Files.readString(proof, StandardCharsets.UTF_8);
    Files.writeString(
        proof, text.replace("\"order\":8.0", "\"order\":16.0"), StandardCharsets.UTF_8);
    CliRun v =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString());
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.out()).contains("REJECTED: BUDGET_PROOF_INVALID");
  }

  /**
   * A budget proof that fails is a rejection: none of the ledger's figures (budget, entries,
   * origin) in text or JSON, though its structure verified (the old output printed the budget).
   */
  @Test
  void verify_failedBudgetProof_printsNoFigureOfTheLedger() throws Exception {
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    Path proof = tmp.resolve("budget.proof");
    assertThat(prove(proof, "--order", "8").exit()).isZero();
    String text = Files.readString(proof, StandardCharsets.UTF_8);
    Files.writeString(
        proof, text.replace("\"order\":8.0", "\"order\":16.0"), StandardCharsets.UTF_8);
    CliRun t =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString());
    assertThat(t.exit()).isEqualTo(1);
    assertThat(t.out())
        .startsWith("REJECTED: BUDGET_PROOF_INVALID")
        .doesNotContain("budget:")
        .doesNotContain("entries:")
        .doesNotContain("origin:");
    CliRun j =
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--budget-proof",
            proof.toString(),
            "--json");
    assertThat(j.exit()).isEqualTo(1);
    JsonNode json = JSON.readTree(j.out());
    assertThat(json.get("reason").asText()).isEqualTo("BUDGET_PROOF_INVALID");
    assertThat(json.has("budgetEpsilon")).isFalse();
    assertThat(json.has("budgetDelta")).isFalse();
    assertThat(json.has("entries")).isFalse();
    assertThat(json.has("origin")).isFalse();
  }

  /**
   * The ledger removed after the auditor fixed its checkpoint: the spot check is rejected (the
   * checkpoint proves the ledger had entries), not refused as a mistyped path.
   */
  @Test
  void spotCheck_ledgerRemovedUnderTheFixedCheckpoint_isRejected() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(record("gaussian:sigma=8").exit()).isZero();
    }
    Path checkpoint = tmp.resolve("checkpoint");
    Files.writeString(
        checkpoint,
        CliRun.of("ledger", "checkpoint", ledger.toString()).out(),
        StandardCharsets.UTF_8);
    Path openings = tmp.resolve("openings.json");
    assertThat(
            CliRun.of(
                    "ledger",
                    "open-sample",
                    ledger.toString(),
                    "--key",
                    key.toString(),
                    "--nonce",
                    NONCE,
                    "--sample",
                    "2",
                    "--out",
                    openings.toString())
                .exit())
        .isZero();
    try (var files = Files.walk(ledger)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    CliRun r =
        CliRun.of(
            "audit",
            "spot-check",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--nonce",
            NONCE,
            "--sample",
            "2",
            "--openings",
            openings.toString(),
            "--checkpoint",
            checkpoint.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err()).startsWith("REJECTED: INCONSISTENT_CHECKPOINT").doesNotContain("Usage:");
  }

  @Test
  void openSampleThenSpotCheck_passes_andATamperedOpeningFails() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(record("gaussian:sigma=8").exit()).isZero();
    }
    Path checkpoint = tmp.resolve("checkpoint");
    CliRun c = CliRun.of("ledger", "checkpoint", ledger.toString());
    Files.writeString(checkpoint, c.out(), StandardCharsets.UTF_8);
    Path openings = tmp.resolve("openings.json");
    CliRun o =
        CliRun.of(
            "ledger",
            "open-sample",
            ledger.toString(),
            "--key",
            key.toString(),
            "--nonce",
            NONCE,
            "--sample",
            "2",
            "--out",
            openings.toString());
    assertThat(o.exit()).as(o.err()).isZero();
    CliRun s =
        CliRun.of(
            "audit",
            "spot-check",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--nonce",
            NONCE,
            "--sample",
            "2",
            "--openings",
            openings.toString(),
            "--checkpoint",
            checkpoint.toString());
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out()).contains("spot check passed: 2 of 3 entries");

    CliRun other =
        CliRun.of(
            "audit",
            "spot-check",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--nonce",
            "ff" + NONCE.substring(2),
            "--sample",
            "2",
            "--openings",
            openings.toString(),
            "--checkpoint",
            checkpoint.toString());
    assertThat(other.exit()).as("another nonce").isEqualTo(1);

    String text = Files.readString(openings, StandardCharsets.UTF_8);
    int at = text.indexOf("\"sigma\":8.0");
    Files.writeString(
        openings,
        text.substring(0, at) + "\"sigma\":9.0" + text.substring(at + 11),
        StandardCharsets.UTF_8);
    CliRun bad =
        CliRun.of(
            "audit",
            "spot-check",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--nonce",
            NONCE,
            "--sample",
            "2",
            "--openings",
            openings.toString(),
            "--checkpoint",
            checkpoint.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("COST_MISMATCH");
  }

  @Test
  void init_confidentialWithZeroDelta_exitsTwo() {
    CliRun r =
        CliRun.of(
            "ledger",
            "init",
            tmp.resolve("pure").toString(),
            "--unit",
            "person",
            "--mode",
            "confidential",
            "--budget-epsilon",
            "1",
            "--budget-delta",
            "0",
            "--key-out",
            tmp.resolve("k2").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(Files.exists(tmp.resolve("k2"))).as("no key written").isFalse();
  }

  @Test
  void spotCheck_shortNonce_exitsTwo() {
    CliRun r =
        CliRun.of(
            "audit",
            "spot-check",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--nonce",
            "00ff",
            "--openings",
            tmp.resolve("none").toString(),
            "--checkpoint",
            tmp.resolve("none").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--nonce must be");
  }

  /**
   * Without the checkpoint fixed before the nonce, the holder picks the checkpoint after seeing the
   * nonce (and with it the sample): the spot check refuses to run, exit 2, rather than pass.
   */
  @Test
  void spotCheck_withoutTheFixedCheckpoint_exitsTwoAndChecksNothing() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(record("gaussian:sigma=8").exit()).isZero();
    }
    Path openings = tmp.resolve("openings.json");
    assertThat(
            CliRun.of(
                    "ledger",
                    "open-sample",
                    ledger.toString(),
                    "--key",
                    key.toString(),
                    "--nonce",
                    NONCE,
                    "--sample",
                    "2",
                    "--out",
                    openings.toString())
                .exit())
        .isZero();
    CliRun r =
        CliRun.of(
            "audit",
            "spot-check",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--nonce",
            NONCE,
            "--sample",
            "2",
            "--openings",
            openings.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--checkpoint");
    assertThat(r.out()).doesNotContain("passed");
  }

  /**
   * Cost openings and detail openings hold the holder's secrets: mode 0600 from creation, like the
   * key.
   */
  @Test
  void record_writesOpeningsReadableOnlyByTheirOwner() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX permissions");
    assertThat(record("gaussian:sigma=6").exit()).isZero();
    Path store = tmp.resolve("keys/holder.key.openings");
    List<Path> files;
    try (var walk = Files.walk(store)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files)
        .as("a cost opening and a detail opening per entry")
        .anySatisfy(p -> assertThat(p.toString()).contains("cost-openings"))
        .anySatisfy(p -> assertThat(p.getParent().getFileName().toString()).isEqualTo("openings"));
    for (Path p : files) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .as(p.toString())
          .isEqualTo("rw-------");
    }
    for (Path d : List.of(store, store.resolve("cost-openings"), store.resolve("openings"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d)))
          .as(d.toString())
          .isEqualTo("rwx------");
    }
  }
}
