package org.privspark.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.ledger.EventCodec;

/**
 * A transparent entry's event as one line for a report: the kind and its exact parameters, named as
 * in the entry file (docs/LEDGER-FORMAT.md; read off {@link EventCodec#encode}, the format's one
 * naming), for example {@code gaussian(sigma=2.0, l2Sensitivity=1.0)}. A recorded event may hold
 * thousands of parts, so the text stops after {@link #MAX_CHARS} characters with "…": the entry
 * file holds the rest.
 */
final class EventText {
  /** Enough for a composition of a few mechanisms; the report's table stays readable. */
  static final int MAX_CHARS = 200;

  private EventText() {}

  static String of(PrivacyEvent event) {
    StringBuilder s = new StringBuilder();
    append(s, EventCodec.encode(event));
    return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) + "…" : s.toString();
  }

  /**
   * Appends the encoded event {@code e} as {@code kind(field=value, …)}, a composition as {@code
   * composed[…]} and a self-composition as {@code count × event}; stops early once past the limit
   * (the event may be deep and wide).
   */
  private static void append(StringBuilder s, JsonNode e) {
    if (s.length() > MAX_CHARS) {
      return;
    }
    String kind = e.get("kind").asText();
    if (kind.equals("composed")) {
      s.append("composed[");
      JsonNode parts = e.get("events");
      for (int i = 0; i < parts.size() && s.length() <= MAX_CHARS; i++) {
        s.append(i == 0 ? "" : ", ");
        append(s, parts.get(i));
      }
      s.append(']');
    } else if (kind.equals("private-selection")) {
      s.append("private-selection(eta=")
          .append(e.get("eta").asText())
          .append(", gamma=")
          .append(e.get("gamma").asText())
          .append(")[");
      JsonNode parts = e.get("candidates");
      for (int i = 0; i < parts.size() && s.length() <= MAX_CHARS; i++) {
        s.append(i == 0 ? "" : ", ");
        append(s, parts.get(i));
      }
      s.append(']');
    } else if (kind.equals("self-composed")) {
      s.append(e.get("count").asText()).append(" × ");
      append(s, e.get("event"));
    } else {
      s.append(kind).append('(');
      String separator = "";
      for (Map.Entry<String, JsonNode> field : e.properties()) {
        if (!field.getKey().equals("kind")) {
          s.append(separator).append(field.getKey()).append('=').append(field.getValue().asText());
          separator = ", ";
        }
      }
      s.append(')');
    }
  }
}
