package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.HtmlReport;
import org.privspark.core.audit.ReportContext;

/**
 * Review of issue 15 (HTML report): {@link HtmlReport#render} is public dp-core API, and a
 * confidential ledger verified without a budget proof is "intact" to {@link
 * org.privspark.core.audit.LedgerVerifier} while its budget is unverified. The page must not claim
 * "within budget" nor print spent / remaining / per-mechanism ε for it: only the CLI guards that
 * today.
 */
class HtmlReportReviewTest {
  @TempDir Path dir;

  @Test
  void render_ofAConfidentialLedgerWithoutABudgetProof_claimsNoBudgetVerdictAndNoFigure() {
    LedgerFixture f = new LedgerFixture(dir, LedgerGenesis.CONFIDENTIAL, 4.0, 1e-6);
    f.spend(0.25, "q1");
    f.spend(0.25, "q2");
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
    assertThat(r.confidential()).isTrue();
    String page;
    try {
      page = HtmlReport.render(r, ReportContext.now(f.signer.verifier(), "test"));
    } catch (IllegalArgumentException refused) {
      return; // refusing a confidential report is a sound answer too
    }
    assertThat(page)
        .doesNotContain("within budget")
        .doesNotContain("Spent")
        .doesNotContain("Remaining")
        .doesNotContain("running ε")
        .doesNotContain("ε alone")
        .doesNotContain("<svg");
  }

  /**
   * Entry times are only checked to be non-decreasing, so the key's holder can sign an entry dated
   * far ahead. The chart's time axis then gets one tick per 364 days over the whole span (thousands
   * here; about 2.9e8, an OutOfMemoryError, for a time near Long.MAX_VALUE) instead of its three to
   * seven: the auditor's page is unreadable or never written.
   */
  @Test
  void chart_ofALedgerWithAnEntryDatedFarAhead_keepsAFewTimeTicks() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.25, "q1");
    f.spend(0.25, "q2");
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e = entries.get(1);
    long farAhead = e.timeMillis() + 100_000L * 365 * 86_400_000L; // 100,000 years on
    entries.set(
        1,
        new LedgerEntry(
            e.seq(),
            farAhead,
            e.origin(),
            e.previousLeafHash(),
            e.releaseId(),
            e.mechanism(),
            e.event(),
            e.cost(),
            e.commitments()));
    f.rewriteWithRealKey(entries);
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
    String page = HtmlReport.render(r, ReportContext.now(f.signer.verifier(), "test"));
    String svg = page.substring(page.indexOf("<svg"), page.indexOf("</svg>"));
    // x-axis tick marks: vertical 5-unit lines below the plot (y1 = bottom, y2 = bottom + 5).
    Matcher m = Pattern.compile("y1=\"256\\.0\" y2=\"261\\.0\"").matcher(svg);
    int ticks = 0;
    while (m.find()) {
      ticks++;
    }
    assertThat(ticks).as("time-axis ticks").isBetween(3, 8);
  }
}
