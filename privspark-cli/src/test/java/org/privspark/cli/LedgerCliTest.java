package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The holder's and the auditor's commands end to end, on a real ledger directory. */
class LedgerCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path ledger;
  private Path key;
  private Path pub;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @BeforeEach
  void init() {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/holder.key");
    pub = tmp.resolve("keys/holder.key.pub");
    CliRun r =
        run(
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
            "example.org/sales-ledger");
    assertThat(r.exit()).as(r.err()).isZero();
  }

  private CliRun record(String event) {
    return run(
        "ledger",
        "record",
        ledger.toString(),
        "--unit",
        "person",
        "--key",
        key.toString(),
        "--event",
        event,
        "--description",
        "SELECT count(*) FROM sales GROUP BY day",
        "--mechanism",
        "private-aggregation");
  }

  @Test
  void init_writesAPrivateKeyReadableOnlyByItsOwner() throws Exception {
    assertThat(Files.readString(key)).startsWith("PRIVATE+KEY+example.org/sales-ledger+");
    assertThat(Files.readString(pub)).startsWith("example.org/sales-ledger+");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(
            run(
                    "ledger",
                    "init",
                    tmp.resolve("other").toString(),
                    "--unit",
                    "person",
                    "--budget-epsilon",
                    "1",
                    "--budget-delta",
                    "0",
                    "--key-out",
                    key.toString())
                .exit())
        .as("refuses to overwrite a key")
        .isNotZero();
  }

  @Test
  void
      theLedgerDeclaresItsUnit_recordRefusesAnotherOrNone_andTheReportShowsItAndTheRowLevelEntries()
          throws Exception {
    Path other = tmp.resolve("unit-ledger");
    Path otherKey = tmp.resolve("keys/unit.key");
    CliRun init =
        run(
            "ledger",
            "init",
            other.toString(),
            "--unit",
            "household",
            "--unit-definition",
            "the people at one address",
            "--budget-epsilon",
            "2",
            "--budget-delta",
            "1e-6",
            "--key-out",
            otherKey.toString());
    assertThat(init.exit()).as(init.err()).isZero();
    assertThat(init.out()).contains("privacy unit: household");
    CliRun wrong =
        run(
            "ledger",
            "record",
            other.toString(),
            "--unit",
            "person",
            "--key",
            otherKey.toString(),
            "--event",
            "laplace:b=4");
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err())
        .contains("'person'")
        .contains("'household'")
        .contains("nothing was charged");
    CliRun none =
        run(
            "ledger",
            "record",
            other.toString(),
            "--key",
            otherKey.toString(),
            "--event",
            "laplace:b=4");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("must declare the unit");
    assertThat(
            run(
                    "ledger",
                    "record",
                    other.toString(),
                    "--unit",
                    "household",
                    "--key",
                    otherKey.toString(),
                    "--event",
                    "laplace:b=4")
                .exit())
        .isZero();
    assertThat(
            run(
                    "ledger",
                    "record",
                    other.toString(),
                    "--unit",
                    "household",
                    "--row-is-unit",
                    "--key",
                    otherKey.toString(),
                    "--event",
                    "laplace:b=4")
                .exit())
        .isZero();
    CliRun text = run("audit", "verify", other.toString(), "--public-key", otherKey + ".pub");
    assertThat(text.exit()).as(text.out()).isZero();
    assertThat(text.out())
        .contains("privacy unit: household (the people at one address)")
        .contains("1 entries treat each row as one household");
    JsonNode j =
        JSON.readTree(
            run("audit", "verify", other.toString(), "--public-key", otherKey + ".pub", "--json")
                .out());
    assertThat(j.get("unit").get("name").asText()).isEqualTo("household");
    assertThat(j.get("rowIsUnitEntries").asLong()).isEqualTo(1);
    assertThat(j.get("entries").asLong()).isEqualTo(2);
  }

  @Test
  void init_withoutAUnitOrWithABadOne_isRefusedNamingTheOption_andWritesNothing() {
    CliRun missing =
        run(
            "ledger",
            "init",
            tmp.resolve("n1").toString(),
            "--budget-epsilon",
            "1",
            "--budget-delta",
            "0",
            "--key-out",
            tmp.resolve("n1.key").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("--unit");
    CliRun bad =
        run(
            "ledger",
            "init",
            tmp.resolve("n2").toString(),
            "--unit",
            "Per son",
            "--budget-epsilon",
            "1",
            "--budget-delta",
            "0",
            "--key-out",
            tmp.resolve("n2.key").toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--unit must be 1 to 64 characters");
    assertThat(Files.exists(tmp.resolve("n2.key"))).isFalse();
    assertThat(Files.exists(tmp.resolve("n2"))).isFalse();
  }

  @Test
  void recordThenVerify_reportsSpentAndRemaining() throws Exception {
    assertThat(record("laplace:b=4").exit()).isZero();
    CliRun second = record("gaussian:sigma=20");
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).contains("recorded entry 2").contains("example.org/sales-ledger\n3\n");
    CliRun verify =
        run("audit", "verify", ledger.toString(), "--public-key", pub.toString(), "--json");
    assertThat(verify.exit()).as(verify.out()).isZero();
    JsonNode j = JSON.readTree(verify.out());
    assertThat(j.get("intact").asBoolean()).isTrue();
    assertThat(j.get("entries").asLong()).isEqualTo(2);
    assertThat(j.get("spentEpsilon").asDouble()).isGreaterThan(0.25).isLessThan(1.0);
    assertThat(j.get("remainingEpsilon").asDouble())
        .isEqualTo(1.0 - j.get("spentEpsilon").asDouble());
    assertThat(j.get("mechanisms").get("private-aggregation").get("entries").asLong()).isEqualTo(2);
    CliRun text = run("audit", "verify", ledger.toString(), "--public-key", pub.toString());
    assertThat(text.out()).contains("intact: 2 entries").contains("remaining epsilon=");
  }

  @Test
  void recordOverBudget_exitsThreeAndRecordsNothing() throws Exception {
    assertThat(record("pure:epsilon=0.75").exit()).isZero();
    CliRun refused = record("pure:epsilon=0.5");
    assertThat(refused.exit()).isEqualTo(3);
    assertThat(refused.err())
        .contains("privacy budget exhausted")
        .contains("remaining epsilon=0.25");
    assertThat(Files.exists(ledger.resolve("entries/00000000000000000002.json"))).isFalse();
  }

  @Test
  void tamperedLedger_exitsOneNamingEntryAndReason() throws Exception {
    record("laplace:b=4");
    record("laplace:b=4");
    record("laplace:b=4");
    Files.delete(ledger.resolve("entries/00000000000000000002.json"));
    CliRun r = run("audit", "verify", ledger.toString(), "--public-key", pub.toString(), "--json");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.get("reason").asText()).isEqualTo("MISSING_ENTRY");
    assertThat(j.get("failedIndex").asLong()).isEqualTo(2);
  }

  @Test
  void htmlReport_isASelfContainedPageWithAChart() throws Exception {
    record("laplace:b=4");
    record("laplace:b=8");
    Path html = tmp.resolve("report.html");
    assertThat(
            run(
                    "audit",
                    "verify",
                    ledger.toString(),
                    "--public-key",
                    pub.toString(),
                    "--html",
                    html.toString())
                .exit())
        .isZero();
    String page = Files.readString(html);
    assertThat(page)
        .startsWith("<!DOCTYPE html>")
        .contains("<svg")
        .contains("Intact and within budget")
        .doesNotContain("<script")
        .doesNotContain("http://cdn")
        .doesNotContain("src=\"http");
    // The fingerprint is the SHA-256 of KEY.pub's line, as `tr -d '\r\n' < KEY.pub | sha256sum`
    // prints it.
    byte[] line = Files.readString(pub).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String sha =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(line));
    assertThat(page)
        .contains("<code>" + sha + "</code>")
        .contains(
            "<th>Tool</th><td>privspark "
                + System.getProperty("privspark.build.version")
                + " (commit ")
        .contains(
            "<td>private-aggregation</td><td class=\"p\">laplace(scale=8.0,"
                + " l1Sensitivity=1.0)</td>");
  }

  @Test
  void consistency_withASavedCheckpoint_andAfterARollback() throws Exception {
    record("laplace:b=4");
    Path saved = tmp.resolve("saved.checkpoint");
    CliRun checkpoint = run("ledger", "checkpoint", ledger.toString());
    Files.writeString(saved, checkpoint.out());
    record("laplace:b=4");
    assertThat(
            run(
                    "audit",
                    "consistency",
                    ledger.toString(),
                    "--public-key",
                    pub.toString(),
                    "--from",
                    saved.toString())
                .exit())
        .isZero();
    assertThat(
            run(
                    "audit",
                    "verify",
                    ledger.toString(),
                    "--public-key",
                    pub.toString(),
                    "--checkpoint",
                    saved.toString())
                .exit())
        .isZero();
    // Roll back to the empty ledger: delete the entries and their checkpoints.
    Files.delete(ledger.resolve("entries/00000000000000000002.json"));
    Files.delete(ledger.resolve("entries/00000000000000000001.json"));
    Files.delete(ledger.resolve("heads/00000000000000000003"));
    Files.delete(ledger.resolve("heads/00000000000000000002"));
    CliRun r =
        run(
            "audit",
            "consistency",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--from",
            saved.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("INCONSISTENT_CHECKPOINT");
  }

  @Test
  void opening_oneEntryOpensForTheAuditor_andAForgedOneDoesNot() throws Exception {
    record("laplace:b=4");
    record("laplace:b=8");
    Path opening = tmp.resolve("entry1.opening");
    assertThat(
            run(
                    "ledger",
                    "opening",
                    ledger.toString(),
                    "--key",
                    key.toString(),
                    "--entry",
                    "1",
                    "--out",
                    opening.toString())
                .exit())
        .isZero();
    CliRun open =
        run(
            "audit",
            "open",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--entry",
            "1",
            "--opening",
            opening.toString());
    assertThat(open.exit()).as(open.err()).isZero();
    assertThat(open.out()).contains("SELECT count(*) FROM sales GROUP BY day");
    CliRun wrongEntry =
        run(
            "audit",
            "open",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--entry",
            "2",
            "--opening",
            opening.toString());
    assertThat(wrongEntry.exit()).isEqualTo(1);
    assertThat(wrongEntry.err()).contains("OPENING_MISMATCH");
    Files.writeString(opening, Files.readString(opening).replace("GROUP BY day", "GROUP BY week"));
    assertThat(
            run(
                    "audit",
                    "open",
                    ledger.toString(),
                    "--public-key",
                    pub.toString(),
                    "--entry",
                    "1",
                    "--opening",
                    opening.toString())
                .exit())
        .isEqualTo(1);
  }

  @Test
  void badArguments_exitTwoNamingTheProblem() throws Exception {
    CliRun badEvent =
        run(
            "ledger",
            "record",
            ledger.toString(),
            "--unit",
            "person",
            "--key",
            key.toString(),
            "--event",
            "laplace:b=-1");
    assertThat(badEvent.exit()).isEqualTo(2);
    assertThat(badEvent.err()).contains("scale must be finite and > 0");
    CliRun badBudget =
        run(
            "ledger",
            "init",
            tmp.resolve("x").toString(),
            "--unit",
            "person",
            "--budget-epsilon",
            "0",
            "--budget-delta",
            "0",
            "--key-out",
            tmp.resolve("x.key").toString());
    assertThat(badBudget.exit()).isEqualTo(2);
    assertThat(badBudget.err()).contains("budgetEpsilon must be finite and > 0");
    assertThat(tmp.resolve("x.key")).as("no key written for a refused init").doesNotExist();
    CliRun wrongKeyFile = run("audit", "verify", ledger.toString(), "--public-key", key.toString());
    assertThat(wrongKeyFile.exit()).isEqualTo(2);
    assertThat(wrongKeyFile.err()).contains("--public-key");
  }
}
