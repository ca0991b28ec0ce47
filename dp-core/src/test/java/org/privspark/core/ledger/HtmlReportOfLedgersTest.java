package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.HtmlReport;
import org.privspark.core.audit.ReportContext;

/**
 * The HTML report of real ledgers: intact, rolled back, and forged by the key's holder with markup
 * in the fields an auditor reads.
 */
class HtmlReportOfLedgersTest {
  private static final String SCRIPT = "<script>alert(1)</script>";

  @TempDir Path dir;

  private static String page(LedgerFixture f, AuditReport r) {
    return HtmlReport.render(r, ReportContext.now(f.signer.verifier(), "test"));
  }

  /** A spend of ε 0.25 that declares the ledger's unit, person. */
  private static void spendPerPerson(LedgerFixture f, String query) {
    f.ledger.append(
        "private-aggregation",
        LedgerFixture.laplace(0.25),
        ReleaseDetails.describing(query),
        null,
        UnitClaim.perUnit("person"));
  }

  /** The entries' rows, from the table's first data row to its end. */
  private static String[] rows(String page) {
    String table = page.substring(page.indexOf("<table id=\"entries\">"));
    table = table.substring(0, table.indexOf("</table>"));
    return table.substring(table.indexOf("<tr><td")).split("(?=<tr>)");
  }

  @Test
  void intactLedger_hasARowPerEntry_withTheVerifiedRunningEpsilon() throws Exception {
    LedgerFixture f =
        new LedgerFixture(dir, LedgerGenesis.TRANSPARENT, 2.0, 1e-6, PrivacyUnit.of("person", ""));
    for (int i = 1; i <= 4; i++) {
      spendPerPerson(f, "q" + i);
    }
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
    String[] rows = rows(page(f, r));
    assertThat(rows).hasSize(4);
    for (int i = 0; i < 4; i++) {
      AuditReport.Point p = r.timeline().get(i);
      assertThat(rows[i])
          .startsWith("<tr><td class=\"n\">" + (i + 1) + "</td>")
          .contains(
              "<td>private-aggregation</td><td class=\"p\">laplace(scale=4.0,"
                  + " l1Sensitivity=1.0)</td>")
          .contains(
              "<td class=\"n\">"
                  + String.format(java.util.Locale.ROOT, "%.6g", p.epsilon())
                      .replaceAll("0+$", "")
                      .replaceAll("\\.$", "")
                  + "</td></tr>");
    }
    assertThat(r.timeline().get(3).epsilon()).isGreaterThan(r.timeline().get(0).epsilon());
  }

  /** A ledger rolled back under the auditor's saved checkpoint: the verdict, and no figure. */
  @Test
  void rolledBackLedger_showsTheVerdictAndNoFigure() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    f.spend(0.25, "q2");
    String saved = f.spend(0.25, "q3").checkpoint();
    Files.delete(f.entry(3));
    Files.delete(f.head(4));
    AuditReport r = f.verify(saved);
    assertThat(r.intact()).isFalse();
    String page = page(f, r);
    assertThat(page)
        .contains("Verification failed: INCONSISTENT_CHECKPOINT")
        .contains("rolled back")
        .doesNotContain("Spent")
        .doesNotContain("Remaining")
        .doesNotContain("running ε")
        .doesNotContain("id=\"entries\"")
        .doesNotContain("<svg")
        .doesNotContain(LedgerFixture.ORIGIN);
  }

  /**
   * The key's holder can sign anything: an entry whose mechanism is markup is rejected as
   * malformed, and the page, which quotes the rejection, shows the markup as text.
   */
  @Test
  void mechanismWithScript_signedWithTheRealKey_isRejected_andEscaped() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    f.spend(0.25, "q2");
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e = entries.get(1);
    entries.set(
        1,
        new LedgerEntry(
            e.seq(),
            e.timeMillis(),
            e.origin(),
            e.previousLeafHash(),
            e.releaseId(),
            SCRIPT,
            e.event(),
            e.cost(),
            e.commitments()));
    f.rewriteWithRealKey(entries);
    AuditReport r = f.verify();
    assertThat(r.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(r.message()).contains(SCRIPT);
    assertThat(page(f, r))
        .doesNotContainIgnoringCase("<script")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("Spent");
  }

  /** The unit's definition is free text from ledger.json: shown, as text. */
  @Test
  void unitDefinitionWithScript_isShownAsText() throws Exception {
    LedgerFixture f =
        new LedgerFixture(
            dir,
            LedgerGenesis.TRANSPARENT,
            2.0,
            1e-6,
            PrivacyUnit.of("person", SCRIPT + " & <img src=x onerror=alert(2)>"));
    spendPerPerson(f, "q1");
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
    assertThat(page(f, r))
        .doesNotContainIgnoringCase("<script")
        .doesNotContainIgnoringCase("<img")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;");
  }

  @Test
  void auditTime_isTheContextsNotTheLedgers() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    String page =
        HtmlReport.render(
            f.verify(),
            new ReportContext(
                Instant.parse("2030-01-02T03:04:05Z"),
                "test",
                ReportContext.fingerprint(f.signer.verifier())));
    assertThat(page)
        .contains("<th>Audit time (UTC)</th><td>2030-01-02 03:04:05.000</td>")
        .contains(ReportContext.fingerprint(f.signer.verifier()));
  }
}
