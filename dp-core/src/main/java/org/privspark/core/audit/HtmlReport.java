package org.privspark.core.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.ledger.Reason;

/**
 * {@code audit verify --html}: a self-contained page (no scripts, no external files) for an auditor
 * to sign off on. It shows the audit itself (time, tool version, key fingerprint: {@link
 * ReportContext}) and the verdict; then, only for a ledger that verified, the budget, totals per
 * mechanism, an SVG chart of ε spent over time and a table of the entries.
 *
 * <p>A failed audit shows the verdict, the reason and the message, and no figure of the ledger: no
 * spent, remaining or running ε (a ledger that does not verify has none to rely on). A confidential
 * ledger's page shows what its auditor may see (docs/THREAT-MODEL.md): each entry's time, mechanism
 * name and additive δ, never parameters, per-entry costs or the total. Every text from the ledger
 * is untrusted and escaped.
 */
public final class HtmlReport {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 320;
  private static final int LEFT = 80;

  /** Room for half the widest time label (12 characters), so that the last one is centred too. */
  private static final int RIGHT = 48;

  private static final int TOP = 20;
  private static final int BOTTOM = 64;

  /** An upper bound on the width of one character of the chart's 11 px labels, in SVG units. */
  private static final double CHAR_WIDTH = 7;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private HtmlReport() {}

  /**
   * The page for {@link LedgerVerifier}'s report of a transparent ledger. A confidential ledger's
   * report verifies its structure only (its costs are hidden): its page says so, gives no budget
   * verdict and no figure, and points to {@link #renderConfidential}'s budget proof.
   */
  public static String render(AuditReport r, ReportContext context) {
    if (r.intact() && r.confidential()) {
      return structureOnly(context);
    }
    StringBuilder h = head(r.intact() ? r.origin() : "");
    verdict(
        h,
        r.intact(),
        r.intact() ? "Intact and within budget." : failure(r.reason(), r.failedIndex()));
    audit(h, context);
    if (!r.intact()) {
      return failed(h, r.message());
    }
    h.append("<h2>Ledger</h2>\n<table>");
    ledgerRows(h, r);
    row(h, "Spent (at the budget's δ)", "ε = " + num(r.spentEpsilon()));
    row(h, "Remaining", "ε = " + num(r.remainingEpsilon()));
    row(h, "Additive δ of the entries", num(r.additiveDelta()));
    row(
        h,
        "Signed checkpoint",
        r.checkpointSize() == 0
            ? "none verified"
            : "size "
                + r.checkpointSize()
                + ", root <code>"
                + escape(r.checkpointRoot())
                + "</code>");
    h.append(
        "</table>\n"
            + "<h2>Per mechanism</h2>\n"
            + "<table><tr><th>mechanism</th><th>entries</th><th>ε alone</th></tr>");
    r.mechanisms()
        .forEach(
            (name, t) ->
                h.append("<tr><td>")
                    .append(escape(name))
                    .append("</td><td class=\"n\">")
                    .append(t.entries())
                    .append("</td><td class=\"n\">")
                    .append(num(t.epsilon()))
                    .append("</td></tr>"));
    h.append("</table>\n<h2>ε spent over time</h2>\n").append(chart(r)).append('\n');
    entries(h, r.timeline(), true);
    return h.append("</body></html>\n").toString();
  }

  /**
   * The page for a confidential ledger's budget proof ({@link ConfidentialVerifier}): the verdict,
   * and when the proof verified, the ledger's public figures and its entries' public fields.
   *
   * @param covers whether the proof covers every entry of the ledger (else the verdict says which
   *     entries it covers, and the ledger is not shown to be within budget)
   */
  public static String renderConfidential(BudgetReport r, boolean covers, ReportContext context) {
    AuditReport s = r.structure();
    StringBuilder h = head(r.ok() ? s.origin() : "");
    verdict(
        h,
        r.ok() && covers,
        !r.ok()
            ? failure(r.reason(), r.failedIndex())
            : covers
                ? "Intact and within budget: a budget proof covers every entry."
                : "Not covered: the budget proof covers the first "
                    + r.entries()
                    + " of "
                    + s.entries()
                    + " entries; ask the holder for a proof of the newest checkpoint.");
    audit(h, context);
    if (!r.ok()) {
      return failed(h, r.message());
    }
    h.append("<h2>Ledger</h2>\n<table>");
    ledgerRows(h, s);
    row(
        h,
        "Mode",
        "confidential: each entry's parameters and cost are committed; the total is proven"
            + " within budget, not shown");
    row(
        h,
        "Budget proof",
        "entries 1 to "
            + r.entries()
            + ", order α* = "
            + num(r.order())
            + ", checkpoint of "
            + r.checkpointSize()
            + " leaves");
    row(h, "Additive δ of the entries", num(s.additiveDelta()));
    h.append("</table>\n");
    entries(h, s.timeline(), false);
    return h.append("</body></html>\n").toString();
  }

  /**
   * The page of a rejection found before any ledger was verified (a budget proof file that does not
   * parse): the verdict and the message, and no figure.
   */
  public static String renderFailure(
      Reason reason, long failedIndex, String message, ReportContext context) {
    StringBuilder h = head("");
    verdict(h, false, failure(reason, failedIndex));
    audit(h, context);
    return failed(h, message);
  }

  /**
   * The page of an audit that ended before a verdict: the auditor's input was wrong (a ledger
   * directory that holds no ledger, a missing file, a confidential ledger without a budget proof, a
   * key that cannot be read). Nothing was verified: the page says "Not audited" and why, and shows
   * no figure, so that no earlier page at the same path outlives a run that did not verify.
   *
   * @param message what to fix (the auditor's input error), shown escaped
   * @param context the audit's facts; an empty {@link ReportContext#keyFingerprint()} when the key
   *     itself could not be read
   */
  public static String renderNotAudited(String message, ReportContext context) {
    StringBuilder h = head("");
    verdict(h, false, "Not audited: the audit's input is wrong, and nothing was verified.");
    audit(h, context);
    h.append("<p id=\"reason\">")
        .append(escape(message))
        .append("</p>\n<p>No figure of the ledger is shown:")
        .append(" nothing was verified.</p>\n</body></html>\n");
    return h.toString();
  }

  /** A confidential ledger verified without its budget proof: the structure only, no figure. */
  private static String structureOnly(ReportContext context) {
    StringBuilder h = head("");
    verdict(
        h,
        false,
        "Structure verified; budget not verified: the ledger is confidential, and its costs are"
            + " hidden.");
    audit(h, context);
    h.append(
            "<p id=\"reason\">A confidential ledger's budget is verified only with a budget proof:"
                + " run")
        .append(
            " <code>privspark audit verify DIR --public-key KEY.pub --budget-proof PROOF</code>"
                + " (the holder")
        .append(
            " makes PROOF with <code>privspark ledger prove-budget</code>).</p>\n"
                + "<p>No figure of the ledger is")
        .append(" shown: no budget verdict was reached.</p>\n</body></html>\n");
    return h.toString();
  }

  private static StringBuilder head(String origin) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>PrivSpark ledger audit")
        .append(origin.isEmpty() ? "" : ": " + escape(origin))
        .append("</title><style>")
        .append(
            "body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0"
                + " 1em;color:#1d1d1f}")
        .append(
            "table{border-collapse:collapse;margin:1em 0}td,th{padding:.3em .8em;border-bottom:1px"
                + " solid #ddd;")
        .append(
            "text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append(
            "td.p{font-family:ui-monospace,monospace;font-size:85%;overflow-wrap:anywhere;max-width:28em}")
        .append(".ok{color:#0a7d32}.bad{color:#b3261e}code{font-size:90%;overflow-wrap:anywhere}")
        .append(
            "svg{width:100%;max-width:900px;height:auto}svg text{font:11px"
                + " system-ui,sans-serif;fill:#333}")
        .append("</style></head><body>\n<h1>Ledger audit</h1>\n");
    return h;
  }

  private static void verdict(StringBuilder h, boolean ok, String text) {
    h.append("<p id=\"verdict\" class=\"")
        .append(ok ? "ok" : "bad")
        .append("\"><strong>")
        .append(escape(text))
        .append("</strong></p>\n");
  }

  private static String failure(Reason reason, long failedIndex) {
    return "Verification failed: " + reason + (failedIndex >= 0 ? " at entry " + failedIndex : "");
  }

  /**
   * The audit's own facts: none is read from the ledger, so they are shown whatever the verdict.
   */
  private static void audit(StringBuilder h, ReportContext c) {
    h.append("<table id=\"audit\">");
    row(h, "Audit time (UTC)", escape(TIME.format(c.auditTime())));
    row(h, "Tool", "privspark " + escape(c.toolVersion()));
    row(
        h,
        "Public key fingerprint",
        c.keyFingerprint().isEmpty()
            ? "none: the key was not read"
            : "<code>" + escape(c.keyFingerprint()) + "</code> (SHA-256 of the key's text)");
    h.append("</table>\n");
  }

  private static String failed(StringBuilder h, String message) {
    h.append("<p id=\"reason\">")
        .append(escape(message))
        .append("</p>\n<p>No figure of the ledger is shown: a")
        .append(" ledger that does not verify has none to rely on.</p>\n</body></html>\n");
    return h.toString();
  }

  private static void ledgerRows(StringBuilder h, AuditReport r) {
    row(h, "Origin", "<code>" + escape(r.origin()) + "</code>");
    row(
        h,
        "Privacy unit",
        escape(r.unitText())
            + (r.unit() == null || r.unit().definition().isEmpty()
                ? ""
                : ": " + escape(r.unit().definition())));
    if (r.rowIsUnitEntries() > 0) {
      row(h, "Entries that treat each row as one unit", Long.toString(r.rowIsUnitEntries()));
    }
    row(h, "Entries verified", Long.toString(r.entries()));
    row(h, "Budget", "ε = " + num(r.budgetEpsilon()) + ", δ = " + num(r.budgetDelta()));
    if (r.accountant() != null) {
      row(
          h,
          "Accountant",
          r.accountant() == Accountant.PLD
              ? "PLD (privacy-loss distributions): every ε is the PLD composition's"
              : "RDP (Rényi DP)");
    }
  }

  /** One row per entry; with {@code transparent}, its parameters and the running ε too. */
  private static void entries(
      StringBuilder h, List<AuditReport.Point> points, boolean transparent) {
    h.append(
            "<h2>Entries</h2>\n"
                + "<table id=\"entries\"><tr><th>#</th><th>time (UTC)</th><th>mechanism</th>")
        .append(transparent ? "<th>parameters</th>" : "")
        .append("<th>δ</th>")
        .append(transparent ? "<th>running ε</th>" : "")
        .append("</tr>");
    for (AuditReport.Point p : points) {
      h.append("<tr><td class=\"n\">")
          .append(p.index())
          .append("</td><td>")
          .append(escape(TIME.format(Instant.ofEpochMilli(p.timeMillis()))))
          .append("</td><td>")
          .append(escape(p.mechanism()))
          .append("</td>");
      if (transparent) {
        h.append("<td class=\"p\">")
            .append(p.event() == null ? "" : escape(EventText.of(p.event())))
            .append("</td>");
      }
      h.append("<td class=\"n\">").append(num(p.delta())).append("</td>");
      if (transparent) {
        h.append("<td class=\"n\">").append(num(p.epsilon())).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>\n");
  }

  /**
   * Cumulative ε after each entry against entry time, with the budget as a dashed line; both axes
   * with round ticks ({@link NiceTicks}) and every label inside the SVG's viewBox.
   */
  static String chart(AuditReport r) {
    List<AuditReport.Point> points = r.timeline();
    if (points.isEmpty()) {
      return "<p>No entries.</p>";
    }
    double last = points.get(points.size() - 1).epsilon();
    double[] yTicks =
        NiceTicks.values(Math.max(r.budgetEpsilon(), Double.isFinite(last) ? last : 0));
    double top = yTicks[yTicks.length - 1];
    long first = points.get(0).timeMillis();
    long lastTime = points.get(points.size() - 1).timeMillis();
    // One entry, or all in the same millisecond: a second around them (before them at the end of
    // time).
    long[] xTicks =
        lastTime > first
            ? NiceTicks.times(first, lastTime)
            : first <= Long.MAX_VALUE - 1_000
                ? NiceTicks.times(first, first + 1_000)
                : NiceTicks.times(first - 1_000, first);
    long t0 = xTicks[0];
    long t1 = xTicks[xTicks.length - 1];
    // As doubles: a forged time far from the others must not overflow the difference.
    double span = (double) t1 - (double) t0;
    long step =
        (double) xTicks[1] - (double) xTicks[0] >= Long.MAX_VALUE
            ? Long.MAX_VALUE
            : xTicks[1] - xTicks[0];
    boolean acrossDays = Math.floorDiv(t0, 86_400_000L) != Math.floorDiv(t1 - 1, 86_400_000L);
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    double bottom = TOP + plotH;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"cumulative epsilon over time\">");
    s.append(
        fmt(
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#fafafa\""
                + " stroke=\"#999\"/>",
            LEFT, TOP, plotW, plotH));
    for (double v : yTicks) {
      double y = bottom - plotH * v / top;
      s.append(
          fmt(
              "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e2e2e2\"/>",
              LEFT, LEFT + plotW, y, y));
      s.append(
          fmt(
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#666\"/>",
              LEFT - 5, LEFT, y, y));
      s.append(
          fmt(
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
              LEFT - 8, y + 4, NiceTicks.valueLabel(v)));
    }
    for (long t : xTicks) {
      double x = LEFT + plotW * ((double) t - (double) t0) / span;
      String label = NiceTicks.timeLabel(t, step, acrossDays);
      s.append(
          fmt(
              "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#666\"/>",
              x, x, bottom, bottom + 5));
      s.append(
          fmt(
              "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>",
              x, bottom + 18, anchor(x, label.length()), escape(label)));
    }
    s.append(
        fmt(
            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
            LEFT + plotW / 2, HEIGHT - 12, escape("time (UTC), " + dayRange(t0, t1))));
    s.append(
        fmt(
            "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\">%s</text>",
            TOP + plotH / 2, escape("ε spent (at δ = " + num(r.budgetDelta()) + ")")));
    double budgetY = bottom - plotH * r.budgetEpsilon() / top;
    s.append(
        fmt(
            "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#b3261e\""
                + " stroke-dasharray=\"6 4\"/>",
            LEFT, LEFT + plotW, budgetY, budgetY));
    // Below the line when it is the top of the plot, so that the label stays inside it.
    s.append(
        fmt(
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" style=\"fill:#b3261e\">budget ε ="
                + " %s</text>",
            LEFT + plotW - 6,
            budgetY - TOP < 16 ? budgetY + 14 : budgetY - 5,
            num(r.budgetEpsilon())));
    StringBuilder path = new StringBuilder();
    double prevY = bottom;
    for (AuditReport.Point p : points) {
      double x = LEFT + plotW * ((double) p.timeMillis() - (double) t0) / span;
      double eps = Double.isFinite(p.epsilon()) ? p.epsilon() : top;
      double y = bottom - plotH * eps / top;
      // A step chart: ε jumps at each entry.
      path.append(path.length() == 0 ? fmt("M%.1f %.1f", x, prevY) : fmt(" L%.1f %.1f", x, prevY));
      path.append(fmt(" L%.1f %.1f", x, y));
      prevY = y;
    }
    s.append("<path d=\"")
        .append(path)
        .append("\" fill=\"none\" stroke=\"#1a5fb4\" stroke-width=\"2\"/>");
    s.append("</svg>");
    return s.toString();
  }

  /** A label centred on its tick, unless that would cross the viewBox's left or right edge. */
  private static String anchor(double x, int chars) {
    double half = chars * CHAR_WIDTH / 2;
    return x - half < 0 ? "start" : x + half > WIDTH ? "end" : "middle";
  }

  private static String dayRange(long t0, long t1) {
    DateTimeFormatter day =
        DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    String a = day.format(Instant.ofEpochMilli(t0));
    String b = day.format(Instant.ofEpochMilli(t1 - 1));
    return a.equals(b) ? a : a + " to " + b;
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static void row(StringBuilder h, String name, String valueHtml) {
    h.append("<tr><th>")
        .append(escape(name))
        .append("</th><td>")
        .append(valueHtml)
        .append("</td></tr>");
  }

  private static String num(double v) {
    return Double.isFinite(v) ? NiceTicks.valueLabel(v) : "∞";
  }

  /**
   * The text as HTML character data or a quoted attribute value: no markup can pass through, and no
   * bidirectional embedding, override or isolate (U+202A to U+202E, U+2066 to U+2069) either: a
   * ledger text could reorder what a row shows, so each is shown as its code point ("\\u202E").
   */
  static String escape(String s) {
    String html =
        s.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\"", "&quot;")
            .replace("'", "&#39;");
    StringBuilder b = null;
    for (int i = 0; i < html.length(); i++) {
      char c = html.charAt(i);
      if (isBidiControl(c)) {
        if (b == null) {
          b = new StringBuilder(html.length() + 16).append(html, 0, i);
        }
        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? html : b.toString();
  }

  private static boolean isBidiControl(char c) {
    return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
  }
}
