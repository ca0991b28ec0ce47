package org.privspark.core.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code audit verify --json}: the report as one JSON object (no infinities: they print as null).
 */
public final class ReportJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportJson() {}

  /**
   * The report of {@link LedgerVerifier}. A failed verification gives only {@code intact}, {@code
   * reason}, {@code failedIndex} and {@code message}: no figure of a ledger that does not verify is
   * reported.
   */
  public static String render(AuditReport r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("intact", r.intact());
    outcome(o, r.reason(), r.failedIndex(), r.message());
    if (!r.intact()) {
      return write(o);
    }
    o.put("origin", r.origin());
    o.put("mode", r.mode());
    o.put("accountant", r.accountant().id());
    unit(o, r);
    o.put("entries", r.entries());
    number(o, "budgetEpsilon", r.budgetEpsilon());
    number(o, "budgetDelta", r.budgetDelta());
    number(o, "spentEpsilon", r.spentEpsilon());
    number(o, "remainingEpsilon", r.remainingEpsilon());
    number(o, "additiveDelta", r.additiveDelta());
    o.put("checkpointSize", r.checkpointSize());
    o.put("checkpointRoot", r.checkpointRoot());
    ObjectNode mechanisms = o.putObject("mechanisms");
    r.mechanisms()
        .forEach(
            (name, total) -> {
              ObjectNode m = mechanisms.putObject(name);
              m.put("entries", total.entries());
              number(m, "epsilon", total.epsilon());
            });
    ArrayNode timeline = o.putArray("timeline");
    for (AuditReport.Point p : r.timeline()) {
      ObjectNode point = timeline.addObject();
      point.put("index", p.index()).put("time", p.timeMillis());
      number(point, "epsilon", p.epsilon());
    }
    return write(o);
  }

  private static String write(ObjectNode o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The verified ledger's unit (null when it declares none) and its row-is-unit entries. */
  private static void unit(ObjectNode o, AuditReport r) {
    if (r.unit() != null) {
      o.putObject("unit").put("name", r.unit().name()).put("definition", r.unit().definition());
    } else {
      o.putNull("unit");
    }
    o.put("rowIsUnitEntries", r.rowIsUnitEntries());
  }

  /**
   * A confidential ledger's verdict: the structure and the budget proof's outcome, the order α* the
   * proof reveals, and nothing about per-entry costs or the total. The ledger's figures (origin,
   * entries, budget) and the proof's (entries proven, checkpoint) only when the structure and the
   * proof verified: a rejection carries none.
   *
   * @param covers whether the proof covers every entry of the ledger: {@code withinBudget} is true
   *     only when the proof verified and covers them all; when it verified, {@code covered} says
   *     whether it covers them all and {@code provenEntries} how many it covers
   */
  public static String renderConfidential(BudgetReport r, boolean covers) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("mode", "confidential");
    o.put("intact", r.structure().intact());
    o.put("withinBudget", r.ok() && covers);
    outcome(o, r.reason(), r.failedIndex(), r.message());
    number(o, "order", r.order());
    if (!r.ok()) {
      return write(o);
    }
    o.put("origin", r.structure().origin());
    unit(o, r.structure());
    o.put("entries", r.structure().entries());
    number(o, "budgetEpsilon", r.structure().budgetEpsilon());
    number(o, "budgetDelta", r.structure().budgetDelta());
    o.put("covered", covers);
    o.put("provenEntries", r.entries());
    o.put("checkpointSize", r.checkpointSize());
    return write(o);
  }

  private static void outcome(
      ObjectNode o, org.privspark.core.ledger.Reason reason, long failedIndex, String message) {
    o.put("reason", reason == null ? null : reason.name());
    if (failedIndex >= 0) {
      o.put("failedIndex", failedIndex);
    } else {
      o.putNull("failedIndex");
    }
    o.put("message", message);
  }

  private static void number(ObjectNode o, String name, double value) {
    if (Double.isFinite(value)) {
      o.put(name, value);
    } else {
      o.putNull(name);
    }
  }
}
