package org.privspark.core.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code audit verify --json}: the report as one JSON object (no infinities: they print as null). */
public final class ReportJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportJson() {}

  public static String render(AuditReport r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("intact", r.intact());
    o.put("reason", r.reason() == null ? null : r.reason().name());
    if (r.failedIndex() >= 0) {
      o.put("failedIndex", r.failedIndex());
    } else {
      o.putNull("failedIndex");
    }
    o.put("message", r.message());
    o.put("origin", r.origin());
    o.put("entries", r.entries());
    number(o, "budgetEpsilon", r.budgetEpsilon());
    number(o, "budgetDelta", r.budgetDelta());
    number(o, "spentEpsilon", r.spentEpsilon());
    number(o, "remainingEpsilon", r.remainingEpsilon());
    number(o, "additiveDelta", r.additiveDelta());
    o.put("checkpointSize", r.checkpointSize());
    o.put("checkpointRoot", r.checkpointRoot());
    ObjectNode mechanisms = o.putObject("mechanisms");
    r.mechanisms().forEach((name, total) -> {
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
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void number(ObjectNode o, String name, double value) {
    if (Double.isFinite(value)) {
      o.put(name, value);
    } else {
      o.putNull(name);
    }
  }
}
