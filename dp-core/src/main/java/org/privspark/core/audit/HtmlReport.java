package org.privspark.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code audit verify --html}: a self-contained page (no scripts, no external files) with the
 * verdict, the budget, totals per mechanism and an SVG chart of ε spent over time.
 */
public final class HtmlReport {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 280;
  private static final int MARGIN = 48;

  private HtmlReport() {}

  public static String render(AuditReport r) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>PrivSpark ledger audit: ").append(escape(r.origin())).append("</title><style>")
        .append("body{font:15px/1.45 system-ui,sans-serif;max-width:780px;margin:2em auto;padding:0 1em;color:#1d1d1f}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append(".ok{color:#0a7d32}.bad{color:#b3261e}code{font-size:90%}svg text{font-size:11px;fill:#444}")
        .append("</style></head><body>\n<h1>Ledger audit</h1>\n");
    h.append("<p class=\"").append(r.intact() ? "ok" : "bad").append("\"><strong>")
        .append(r.intact() ? (r.confidential() ? "Intact; confidential: its budget is checked by a budget proof."
            : "Intact and within budget.") : "Verification failed: " + r.reason()
            + (r.failedIndex() >= 0 ? " at entry " + r.failedIndex() : ""))
        .append("</strong></p>\n");
    if (!r.intact()) {
      // No figure of a ledger that does not verify: the failure alone.
      h.append("<p>").append(escape(r.message())).append("</p>\n</body></html>\n");
      return h.toString();
    }
    h.append("<table>");
    row(h, "Origin", "<code>" + escape(r.origin()) + "</code>");
    row(h, "Privacy unit", escape(r.unitText()) + (r.unit() == null || r.unit().definition().isEmpty() ? ""
        : ": " + escape(r.unit().definition())));
    if (r.rowIsUnitEntries() > 0) {
      row(h, "Entries that treat each row as one unit", Long.toString(r.rowIsUnitEntries()));
    }
    row(h, "Entries verified", Long.toString(r.entries()));
    row(h, "Budget", "ε = " + num(r.budgetEpsilon()) + ", δ = " + num(r.budgetDelta()));
    row(h, "Spent (at the budget's δ)", "ε = " + num(r.spentEpsilon()));
    row(h, "Remaining", "ε = " + num(r.remainingEpsilon()));
    row(h, "Additive δ of the entries", num(r.additiveDelta()));
    row(h, "Signed checkpoint", r.checkpointSize() == 0 ? "none verified"
        : "size " + r.checkpointSize() + ", root <code>" + escape(r.checkpointRoot()) + "</code>");
    h.append("</table>\n<h2>Per mechanism</h2>\n<table><tr><th>mechanism</th><th>entries</th><th>ε alone</th></tr>");
    r.mechanisms().forEach((name, t) -> h.append("<tr><td>").append(escape(name)).append("</td><td class=\"n\">")
        .append(t.entries()).append("</td><td class=\"n\">").append(num(t.epsilon())).append("</td></tr>"));
    h.append("</table>\n<h2>ε spent over time</h2>\n").append(chart(r)).append("\n</body></html>\n");
    return h.toString();
  }

  /** Cumulative ε after each entry, against entry time, with the budget as a dashed line. */
  static String chart(AuditReport r) {
    List<AuditReport.Point> points = r.timeline();
    if (points.isEmpty()) {
      return "<p>No entries.</p>";
    }
    double top = Math.max(r.budgetEpsilon(), points.get(points.size() - 1).epsilon());
    if (!(top > 0) || !Double.isFinite(top)) {
      top = 1;
    }
    long t0 = points.get(0).timeMillis();
    long t1 = Math.max(t0 + 1, points.get(points.size() - 1).timeMillis());
    double plotW = WIDTH - 2 * MARGIN;
    double plotH = HEIGHT - 2 * MARGIN;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
        .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"cumulative epsilon over time\">");
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#fafafa\" stroke=\"#ccc\"/>",
        MARGIN, MARGIN, plotW, plotH));
    double budgetY = MARGIN + plotH * (1 - r.budgetEpsilon() / top);
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#b3261e\" stroke-dasharray=\"6 4\"/>",
        MARGIN, MARGIN + plotW, budgetY, budgetY));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">budget ε = %s</text>",
        MARGIN + plotW - 4, budgetY - 4, num(r.budgetEpsilon())));
    StringBuilder path = new StringBuilder();
    double prevY = MARGIN + plotH;
    for (AuditReport.Point p : points) {
      double x = MARGIN + plotW * (p.timeMillis() - t0) / (double) (t1 - t0);
      double eps = Double.isFinite(p.epsilon()) ? p.epsilon() : top;
      double y = MARGIN + plotH * (1 - eps / top);
      // A step chart: ε jumps at each entry.
      path.append(path.length() == 0 ? String.format(Locale.ROOT, "M%.1f %.1f", x, prevY)
          : String.format(Locale.ROOT, " L%.1f %.1f", x, prevY));
      path.append(String.format(Locale.ROOT, " L%.1f %.1f", x, y));
      prevY = y;
    }
    s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1a5fb4\" stroke-width=\"2\"/>");
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", MARGIN - 6, MARGIN + 4.0, num(top)));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">0</text>", MARGIN - 6, MARGIN + plotH + 4));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", MARGIN, HEIGHT - MARGIN / 2,
        escape(Instant.ofEpochMilli(t0).toString())));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\">%s</text>", MARGIN + plotW,
        HEIGHT - MARGIN / 2, escape(Instant.ofEpochMilli(t1).toString())));
    s.append("</svg>");
    return s.toString();
  }

  private static void row(StringBuilder h, String name, String valueHtml) {
    h.append("<tr><th>").append(escape(name)).append("</th><td>").append(valueHtml).append("</td></tr>");
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "∞";
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
