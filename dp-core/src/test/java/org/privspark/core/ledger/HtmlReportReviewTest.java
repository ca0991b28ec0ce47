package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.HtmlReport;
import org.privspark.core.audit.ReportContext;

/**
 * Review of issue 15 (HTML report): {@link HtmlReport#render} is public dp-core API, and a
 * confidential ledger verified without a budget proof is "intact" to {@link
 * org.privspark.core.audit.LedgerVerifier} while its budget is unverified. The page must not claim
 * "within budget" nor print spent / remaining / per-mechanism ε for it: only the CLI guards that today.
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
    assertThat(page).doesNotContain("within budget").doesNotContain("Spent").doesNotContain("Remaining")
        .doesNotContain("running ε").doesNotContain("ε alone").doesNotContain("<svg");
  }
}
