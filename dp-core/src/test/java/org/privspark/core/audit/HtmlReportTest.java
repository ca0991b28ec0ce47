package org.privspark.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.ApproximateDpEvent;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.DeltaEvent;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.PureDpEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.SelfComposedEvent;
import org.privspark.core.accounting.ZcdpEvent;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.Reason;
import org.privspark.core.ledger.note.NoteVerifier;

/**
 * The HTML report's content: the audit's facts, the entries' table, escaping, and no figure on
 * failure.
 */
class HtmlReportTest {
  private static final ReportContext CONTEXT =
      new ReportContext(Instant.parse("2026-12-07T17:30:00Z"), "9.9.9-test", "ab".repeat(32));
  private static final long T0 = Instant.parse("2026-12-07T09:00:00Z").toEpochMilli();
  private static final String SCRIPT = "<script>alert(1)</script>";

  private static AuditReport intact(
      String origin, String unitDefinition, List<AuditReport.Point> points) {
    Map<String, AuditReport.MechanismTotal> mechanisms = new LinkedHashMap<>();
    points.forEach(
        p ->
            mechanisms.merge(
                p.mechanism(),
                new AuditReport.MechanismTotal(1, 0.25),
                (a, b) -> new AuditReport.MechanismTotal(a.entries() + 1, a.epsilon() + 0.25)));
    double spent = points.isEmpty() ? 0 : points.get(points.size() - 1).epsilon();
    return new AuditReport(
        true,
        null,
        -1,
        "intact",
        origin,
        LedgerGenesis.TRANSPARENT,
        points.size(),
        3.0,
        1e-5,
        spent,
        0,
        points.size() + 1,
        "00".repeat(32),
        mechanisms,
        points,
        PrivacyUnit.of("person", unitDefinition),
        0,
        org.privspark.core.accounting.Accountant.RDP);
  }

  /** Entries an hour apart, each of ε 0.25 more. */
  private static List<AuditReport.Point> points(String mechanism, PrivacyEvent event, int n) {
    List<AuditReport.Point> points = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      points.add(
          new AuditReport.Point(i, T0 + (i - 1) * 3_600_000L, mechanism, event, 0, 0.25 * i));
    }
    return points;
  }

  @Test
  void intactReport_hasOneTableRowPerEntry_withParametersDeltaAndRunningEpsilon() {
    String page =
        HtmlReport.render(
            intact(
                "example.org/ledger",
                "one adult",
                points("private-aggregation", new LaplaceEvent(4, 1), 3)),
            CONTEXT);
    String table = page.substring(page.indexOf("<table id=\"entries\">"));
    table = table.substring(0, table.indexOf("</table>"));
    assertThat(table)
        .contains(
            "<th>#</th><th>time (UTC)</th><th>mechanism</th><th>parameters</th><th>δ</th>"
                + "<th>running ε</th>");
    assertThat(table.split("<tr><td", -1)).hasSize(4);
    assertThat(table)
        .contains(
            "<tr><td class=\"n\">2</td><td>2026-12-07"
                + " 10:00:00.000</td><td>private-aggregation</td><td class=\"p\">laplace(scale=4.0,"
                + " l1Sensitivity=1.0)</td><td class=\"n\">0</td><td class=\"n\">0.5</td></tr>");
  }

  @Test
  void everyReport_showsTheAuditTimeToolVersionAndKeyFingerprint() {
    AuditReport failed = AuditReport.failed(Reason.ROOT_MISMATCH, -1, "the root differs");
    for (String page :
        List.of(
            HtmlReport.render(failed, CONTEXT),
            HtmlReport.render(intact("o", "", points("m", new PureDpEvent(0.25), 1)), CONTEXT))) {
      assertThat(page)
          .contains("<th>Audit time (UTC)</th><td>2026-12-07 17:30:00.000</td>")
          .contains("<th>Tool</th><td>privspark 9.9.9-test</td>")
          .contains("<code>" + "ab".repeat(32) + "</code>");
    }
  }

  /**
   * Reproduce: printf %s "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k" |
   * sha256sum
   */
  @Test
  void fingerprint_isTheSha256OfTheVerifierKeyText() {
    NoteVerifier key =
        NoteVerifier.parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    assertThat(ReportContext.fingerprint(key))
        .isEqualTo("a05425c8f5f4739a4a96992c9dbd587dbe22ea38733b16167f399d44efb9d9f0");
  }

  /**
   * Privacy rule: a ledger that does not verify has no figure to show, only the verdict and why.
   */
  @Test
  void failedAudit_showsTheVerdictAndReason_andNoFigure() {
    String page =
        HtmlReport.render(
            AuditReport.failed(
                Reason.INCONSISTENT_CHECKPOINT,
                3,
                "saved checkpoint 1 does not match the ledger: history was rewritten"),
            CONTEXT);
    assertThat(page)
        .contains(
            "<p id=\"verdict\" class=\"bad\"><strong>Verification failed: INCONSISTENT_CHECKPOINT"
                + " at entry 3</strong></p>")
        .contains("history was rewritten");
    assertThat(page)
        .doesNotContain("Spent")
        .doesNotContain("Remaining")
        .doesNotContain("running ε")
        .doesNotContain("Budget")
        .doesNotContain("id=\"entries\"")
        .doesNotContain("<svg")
        .doesNotContain("ε =");
  }

  /** Texts from the ledger are untrusted: none can open a tag, in any field the page shows. */
  @Test
  void ledgerTexts_withScriptTags_areEscaped() {
    AuditReport r =
        intact(
            SCRIPT,
            SCRIPT + " \"quoted\" 'single' & more",
            points(SCRIPT, new GaussianEvent(2, 1), 2));
    String page = HtmlReport.render(r, new ReportContext(Instant.EPOCH, SCRIPT, SCRIPT));
    AuditReport failed =
        AuditReport.failed(Reason.MALFORMED, 2, "mechanism must be ...; got '" + SCRIPT + "'");
    String failedPage = HtmlReport.render(failed, CONTEXT);
    for (String p : List.of(page, failedPage)) {
      assertThat(p)
          .doesNotContainIgnoringCase("<script")
          .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
    assertThat(page).contains("&quot;quoted&quot; &#39;single&#39; &amp; more");
  }

  /**
   * A bidi override in a ledger text (here U+202E in a mechanism name) would display the rest of
   * its row right to left: each embedding, override and isolate character is shown as its code
   * point.
   */
  @Test
  void ledgerTexts_withBidiControls_showThemAsCodePoints() {
    String controls = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069";
    AuditReport r = intact("o" + controls, "", points("count\u202Eevil", new PureDpEvent(0.25), 1));
    String page = HtmlReport.render(r, CONTEXT);
    assertThat(page)
        .contains("count\\u202Eevil")
        .contains("o\\u202A\\u202B\\u202C\\u202D\\u202E\\u2066\\u2067\\u2068\\u2069");
    for (char c : controls.toCharArray()) {
      assertThat(page.indexOf(c)).as("U+%04X", (int) c).isEqualTo(-1);
    }
  }

  /**
   * An audit that ended on the auditor's input error: the verdict "Not audited", why, and no
   * figure.
   */
  @Test
  void notAudited_showsTheReasonAndNoFigure() {
    String page =
        HtmlReport.renderNotAudited(
            "--budget-proof p does not exist",
            new ReportContext(CONTEXT.auditTime(), "9.9.9-test", ""));
    assertThat(page)
        .contains("<p id=\"verdict\" class=\"bad\"><strong>Not audited")
        .contains("--budget-proof p does not exist")
        .contains("none: the key was not read");
    assertThat(page)
        .doesNotContain("within budget")
        .doesNotContain("Spent")
        .doesNotContain("Remaining")
        .doesNotContain("Budget")
        .doesNotContain("<svg")
        .doesNotContain("ε =");
  }

  /**
   * Entry times are only checked to be non-decreasing: a span up to the end of a long's range still
   * gets three to seven ticks on round years, in order, that span it.
   */
  @Test
  void timeTicks_ofAHugeSpan_areAFewRoundYears() {
    for (long to :
        new long[] {
          T0 + 3 * 365 * 86_400_000L, T0 + 100_000L * 365 * 86_400_000L, Long.MAX_VALUE
        }) {
      long[] ticks = NiceTicks.times(T0, to);
      assertThat(ticks.length).as("ticks up to %d", to).isBetween(3, 7);
      assertThat(ticks[0]).isLessThanOrEqualTo(T0);
      assertThat(ticks[ticks.length - 1]).isGreaterThanOrEqualTo(to);
      assertThat(ticks).isSorted().doesNotHaveDuplicates();
    }
    long[] ticks = NiceTicks.times(T0, T0 + 100_000L * 365 * 86_400_000L);
    assertThat(NiceTicks.timeLabel(ticks[1], ticks[1] - ticks[0], false)).isEqualTo("20000");
  }

  @Test
  void eventText_namesEveryKindAndFieldAsTheEntryFileDoes() {
    assertThat(EventText.of(new GaussianEvent(2, 1)))
        .isEqualTo("gaussian(sigma=2.0, l2Sensitivity=1.0)");
    assertThat(EventText.of(new LaplaceEvent(4, 1)))
        .isEqualTo("laplace(scale=4.0, l1Sensitivity=1.0)");
    assertThat(EventText.of(new DiscreteGaussianEvent(3, 2)))
        .isEqualTo("discrete-gaussian(sigma=3.0, l2Sensitivity=2.0)");
    assertThat(EventText.of(new DiscreteLaplaceEvent(5, 1)))
        .isEqualTo("discrete-laplace(scale=5.0, l1Sensitivity=1.0)");
    assertThat(EventText.of(new SampledGaussianEvent(0.01, 1.1, 1000)))
        .isEqualTo("sampled-gaussian(sampleRate=0.01, noiseMultiplier=1.1, steps=1000)");
    assertThat(EventText.of(new PureDpEvent(0.1))).isEqualTo("pure(epsilon=0.1)");
    assertThat(EventText.of(new ZcdpEvent(0.01))).isEqualTo("zcdp(rho=0.01)");
    assertThat(EventText.of(new ApproximateDpEvent(0.5, 1e-6)))
        .isEqualTo("approximate(epsilon=0.5, delta=1.0E-6)");
    assertThat(EventText.of(new DeltaEvent(1e-7))).isEqualTo("delta(delta=1.0E-7)");
    assertThat(EventText.of(new SelfComposedEvent(new PureDpEvent(0.1), 2)))
        .isEqualTo("2 × pure(epsilon=0.1)");
    assertThat(EventText.of(new ComposedEvent(List.of(new PureDpEvent(0.1), new ZcdpEvent(0.01)))))
        .isEqualTo("composed[pure(epsilon=0.1), zcdp(rho=0.01)]");
  }

  @Test
  void longEvent_isCutInTheTable() {
    List<PrivacyEvent> parts = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      parts.add(new GaussianEvent(2 + i, 1));
    }
    String text = EventText.of(new ComposedEvent(parts));
    assertThat(text)
        .startsWith("composed[gaussian(sigma=2.0, l2Sensitivity=1.0), gaussian(sigma=3.0")
        .endsWith("…");
    assertThat(text.length()).isEqualTo(EventText.MAX_CHARS + 1);
  }

  private static final Pattern TEXT =
      Pattern.compile(
          "<text x=\"([0-9.-]+)\" y=\"([0-9.-]+)\""
              + " text-anchor=\"(start|middle|end)\"[^>]*>([^<]*)</text>");

  /**
   * Every label of the chart lies inside its viewBox (with 7 units per character, more than an 11
   * px system font needs), the time labels do not overlap, and each axis has more than two ticks.
   */
  @Test
  void chart_hasMoreThanTwoTicksPerAxis_andEveryLabelInsideTheViewBox() {
    List<List<AuditReport.Point>> cases =
        List.of(
            points("m", new PureDpEvent(0.25), 1),
            points("m", new PureDpEvent(0.25), 12),
            // Milliseconds apart, as the CLI records them; and spread over two months.
            List.of(
                new AuditReport.Point(1, T0, "m", null, 0, 0.1),
                new AuditReport.Point(2, T0 + 7, "m", null, 0, 0.2)),
            List.of(
                new AuditReport.Point(1, T0, "m", null, 0, 1e-4),
                new AuditReport.Point(2, T0 + 61L * 86_400_000L, "m", null, 0, 2.9e-4)),
            // Hours apart across two days: the labels carry the day.
            List.of(
                new AuditReport.Point(1, T0 + 13 * 3_600_000L, "m", null, 0, 0.2),
                new AuditReport.Point(2, T0 + 43 * 3_600_000L, "m", null, 0, 0.9)));
    for (List<AuditReport.Point> points : cases) {
      String svg = HtmlReport.chart(intact("o", "", points));
      assertThat(svg).startsWith("<svg").contains("viewBox=\"0 0 720 320\"");
      // The ticks: one short line per tick, beside the y axis or below the x axis.
      assertThat(count(svg, "x1=\"75\" x2=\"80\"")).as(svg).isGreaterThan(2);
      assertThat(count(svg, "y1=\"256.0\" y2=\"261.0\"")).as(svg).isGreaterThan(2);
      Matcher m = TEXT.matcher(svg);
      int labels = 0;
      double previousRight = -1;
      while (m.find()) {
        labels++;
        double x = Double.parseDouble(m.group(1));
        double y = Double.parseDouble(m.group(2));
        double w = m.group(4).length() * 7.0;
        double left =
            switch (m.group(3)) {
              case "start" -> x;
              case "end" -> x - w;
              default -> x - w / 2;
            };
        assertThat(left).as(m.group()).isGreaterThanOrEqualTo(0);
        assertThat(left + w).as(m.group()).isLessThanOrEqualTo(720);
        assertThat(y).as(m.group()).isBetween(11.0, 320.0);
        if (y == 274.0) { // the time axis' labels, left to right: none overlaps the one before
          assertThat(left).as(m.group()).isGreaterThanOrEqualTo(previousRight);
          previousRight = left + w;
        }
      }
      assertThat(labels).isGreaterThan(6);
    }
  }

  @Test
  void niceTicks_areRoundAndSpanTheData() {
    assertThat(NiceTicks.values(3.0)).containsExactly(0, 0.5, 1, 1.5, 2, 2.5, 3);
    assertThat(NiceTicks.values(0.7)).containsExactly(0, 0.2, 0.4, 0.6000000000000001, 0.8);
    assertThat(NiceTicks.values(0)).hasSizeGreaterThan(2);
    long[] hours = NiceTicks.times(T0 + 600_000, T0 + 11 * 3_600_000L);
    assertThat(hours[0]).isLessThanOrEqualTo(T0 + 600_000);
    assertThat(hours[hours.length - 1]).isGreaterThanOrEqualTo(T0 + 11 * 3_600_000L);
    assertThat(hours[1] - hours[0]).isEqualTo(7_200_000L);
    assertThat(NiceTicks.timeLabel(hours[1], 7_200_000L, false)).isEqualTo("10:00");
    assertThat(NiceTicks.valueLabel(0.5)).isEqualTo("0.5");
    assertThat(NiceTicks.valueLabel(3)).isEqualTo("3");
    assertThat(NiceTicks.valueLabel(1e-5)).isEqualTo("1e-05");
    assertThat(NiceTicks.valueLabel(2.59666123)).isEqualTo("2.59666");
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
