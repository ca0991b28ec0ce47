package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.privspark.core.accounting.ApproximateDpEvent;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.DeltaEvent;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivateSelectionEvent;
import org.privspark.core.accounting.PureDpEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.SelfComposedEvent;
import org.privspark.core.accounting.ZcdpEvent;

/**
 * A {@link PrivacyEvent} as a JSON object with its exact parameters, so that an auditor can
 * recompute the cost from the mechanism. Each kind has a fixed field list (docs/LEDGER-FORMAT.md).
 *
 * <p><b>Limits.</b> Recomputing a cost is the one step of a verification whose work does not follow
 * from the size of the files: a sampled-Gaussian value at one order sums a series of up to 2^20
 * terms (up to about 0.4 s at extreme parameters), and a composition repeats that per part. So an
 * event a ledger records is bounded (docs/LEDGER-FORMAT.md §5.1): at most {@value
 * #MAX_EVENT_NESTING} levels of composition, {@value #MAX_EVENT_OBJECTS} event objects in all, and
 * sampled-Gaussian objects times the grid's orders at most {@value #MAX_SAMPLED_GAUSSIAN_VALUES}.
 * The writer refuses a larger event before it appends ({@link #checkLimits}); a reader finds a
 * recorded one malformed before computing any cost.
 */
public final class EventCodec {
  /**
   * The deepest composition a ledger records: each level of {@link ComposedEvent} or {@link
   * SelfComposedEvent} adds at most two JSON levels, so an entry stays far inside {@link
   * CanonicalJson#MAX_NESTING_DEPTH} and can always be read back.
   */
  static final int MAX_EVENT_NESTING = 100;

  /**
   * The most event objects one event holds, every composed, self-composed and nested one counted.
   */
  static final int MAX_EVENT_OBJECTS = 10_000;

  /**
   * The most sampled-Gaussian values one event's cost needs: its sampled-Gaussian objects times the
   * grid's orders. Every other kind has a closed form at each order; one DP-SGD release is one
   * sampled-Gaussian object, so any ledger grid ({@link LedgerGenesis#MAX_ORDERS} orders at most)
   * records one, and the default grid (156 orders) six.
   */
  static final int MAX_SAMPLED_GAUSSIAN_VALUES = 1024;

  private EventCodec() {}

  /**
   * Refuses an event beyond the limits a ledger records on a grid of {@code orders} orders, without
   * recursion (the event may be deep enough to overflow the stack) and before any cost is computed.
   *
   * @param orders the ledger grid's size, or 0 when it is unknown (the sampled-Gaussian limit then
   *     waits for the grid)
   * @throws IllegalArgumentException naming the limit
   */
  static void checkLimits(PrivacyEvent event, int orders) {
    java.util.ArrayDeque<PrivacyEvent> level = new java.util.ArrayDeque<>(List.of(event));
    java.util.ArrayDeque<Boolean> selected = new java.util.ArrayDeque<>(List.of(false));
    long objects = 0;
    long sampledGaussians = 0;
    long selectedSampledGaussians = 0;
    for (int depth = 0; !level.isEmpty(); depth++) {
      if (depth > MAX_EVENT_NESTING) {
        throw new IllegalArgumentException(
            "event must nest at most "
                + MAX_EVENT_NESTING
                + " levels of composition to be recorded; got more");
      }
      objects += level.size();
      if (objects > MAX_EVENT_OBJECTS) {
        throw new IllegalArgumentException(
            "event must hold at most "
                + MAX_EVENT_OBJECTS
                + " event objects"
                + " (composed, self-composed and nested ones included) to be recorded; got more");
      }
      java.util.ArrayDeque<PrivacyEvent> next = new java.util.ArrayDeque<>();
      java.util.ArrayDeque<Boolean> nextSelected = new java.util.ArrayDeque<>();
      for (PrivacyEvent e : level) {
        boolean inSelection = selected.poll();
        if (e instanceof ComposedEvent c) {
          next.addAll(c.events());
          c.events().forEach(x -> nextSelected.add(inSelection));
        } else if (e instanceof SelfComposedEvent c) {
          next.add(c.event());
          nextSelected.add(inSelection);
        } else if (e instanceof PrivateSelectionEvent c) {
          next.addAll(c.candidates());
          c.candidates().forEach(x -> nextSelected.add(true));
        } else if (e instanceof SampledGaussianEvent) {
          sampledGaussians++;
          if (inSelection) {
            selectedSampledGaussians++;
          }
        }
      }
      level = next;
      selected = nextSelected;
    }
    // A selection's candidates are evaluated on its fixed orders as well as on the grid's.
    long values =
        sampledGaussians * orders
            + selectedSampledGaussians * PrivateSelectionEvent.SELECTION_ORDERS.size();
    if (selectedSampledGaussians == 0 && values > MAX_SAMPLED_GAUSSIAN_VALUES) {
      throw new IllegalArgumentException(
          "event must hold at most "
              + MAX_SAMPLED_GAUSSIAN_VALUES / orders
              + " sampled-Gaussian events on a grid of "
              + orders
              + " orders (their number times the orders at most "
              + MAX_SAMPLED_GAUSSIAN_VALUES
              + ") to be recorded; got "
              + sampledGaussians);
    }
    if (values > MAX_SAMPLED_GAUSSIAN_VALUES) {
      throw new IllegalArgumentException(
          "event must need at most "
              + MAX_SAMPLED_GAUSSIAN_VALUES
              + " sampled-Gaussian values to be recorded (each sampled-Gaussian event times the"
              + " grid's "
              + orders
              + " orders, plus "
              + PrivateSelectionEvent.SELECTION_ORDERS.size()
              + " more for each inside a private selection); got "
              + values);
    }
  }

  /**
   * {@code event} as an entry file records it: an object with its {@code kind} and its parameters
   * in the format's order (docs/LEDGER-FORMAT.md §5); compositions nest. The one place that names
   * the events' kinds and fields, for the writer and for the reports that show them.
   *
   * @param event any event the accountant knows
   * @return a new JSON object
   */
  public static ObjectNode encode(PrivacyEvent event) {
    ObjectNode o = CanonicalJson.object();
    if (event instanceof GaussianEvent e) {
      o.put("kind", "gaussian").put("sigma", e.sigma()).put("l2Sensitivity", e.l2Sensitivity());
    } else if (event instanceof LaplaceEvent e) {
      o.put("kind", "laplace").put("scale", e.scale()).put("l1Sensitivity", e.l1Sensitivity());
    } else if (event instanceof DiscreteGaussianEvent e) {
      o.put("kind", "discrete-gaussian")
          .put("sigma", e.sigma())
          .put("l2Sensitivity", e.l2Sensitivity());
    } else if (event instanceof DiscreteLaplaceEvent e) {
      o.put("kind", "discrete-laplace")
          .put("scale", e.scale())
          .put("l1Sensitivity", e.l1Sensitivity());
    } else if (event instanceof SampledGaussianEvent e) {
      o.put("kind", "sampled-gaussian")
          .put("sampleRate", e.sampleRate())
          .put("noiseMultiplier", e.noiseMultiplier())
          .put("steps", e.steps());
    } else if (event instanceof PureDpEvent e) {
      o.put("kind", "pure").put("epsilon", e.epsilon());
    } else if (event instanceof ZcdpEvent e) {
      o.put("kind", "zcdp").put("rho", e.rho());
    } else if (event instanceof ApproximateDpEvent e) {
      o.put("kind", "approximate").put("epsilon", e.epsilon()).put("delta", e.delta());
    } else if (event instanceof DeltaEvent e) {
      o.put("kind", "delta").put("delta", e.delta());
    } else if (event instanceof ComposedEvent e) {
      o.put("kind", "composed");
      ArrayNode events = o.putArray("events");
      e.events().forEach(inner -> events.add(encode(inner)));
    } else if (event instanceof SelfComposedEvent e) {
      o.put("kind", "self-composed").put("count", e.count());
      o.set("event", encode(e.event()));
    } else if (event instanceof PrivateSelectionEvent e) {
      o.put("kind", "private-selection").put("eta", e.eta()).put("gamma", e.gamma());
      ArrayNode candidates = o.putArray("candidates");
      e.candidates().forEach(inner -> candidates.add(encode(inner)));
    } else {
      throw new IllegalArgumentException(
          "event kind not recordable: " + event.getClass().getName());
    }
    return o;
  }

  /**
   * Parses an event that {@link #encode} wrote (a saved model's, say), strictly.
   *
   * @param node the encoded event
   * @return the event
   * @throws IllegalArgumentException if the node is not a well-formed event
   */
  public static PrivacyEvent parse(ObjectNode node) {
    try {
      return decode(node, 0);
    } catch (LedgerException e) {
      throw new IllegalArgumentException("event must be well-formed: " + e.getMessage(), e);
    }
  }

  /**
   * Parses an event strictly, refusing one of more than {@value #MAX_EVENT_OBJECTS} event objects
   * as it goes (the other limits need the whole event, and the grid: {@link #checkLimits}).
   *
   * @throws LedgerException {@link Reason#MALFORMED}
   */
  static PrivacyEvent decode(ObjectNode node, long index) {
    return decode(node, index, new int[1]);
  }

  private static PrivacyEvent decode(ObjectNode node, long index, int[] objects) {
    CanonicalJson.Fields f = new CanonicalJson.Fields(node, index, "event");
    if (++objects[0] > MAX_EVENT_OBJECTS) {
      throw f.malformed(
          "an event must hold at most "
              + MAX_EVENT_OBJECTS
              + " event objects; this one holds more");
    }
    String kind = f.text("kind");
    try {
      return switch (kind) {
        case "gaussian" -> {
          f.exactly("kind", "sigma", "l2Sensitivity");
          yield new GaussianEvent(f.number("sigma"), f.number("l2Sensitivity"));
        }
        case "laplace" -> {
          f.exactly("kind", "scale", "l1Sensitivity");
          yield new LaplaceEvent(f.number("scale"), f.number("l1Sensitivity"));
        }
        case "discrete-gaussian" -> {
          f.exactly("kind", "sigma", "l2Sensitivity");
          yield new DiscreteGaussianEvent(f.number("sigma"), f.number("l2Sensitivity"));
        }
        case "discrete-laplace" -> {
          f.exactly("kind", "scale", "l1Sensitivity");
          yield new DiscreteLaplaceEvent(f.number("scale"), f.number("l1Sensitivity"));
        }
        case "sampled-gaussian" -> {
          f.exactly("kind", "sampleRate", "noiseMultiplier", "steps");
          yield new SampledGaussianEvent(
              f.number("sampleRate"), f.number("noiseMultiplier"), f.integer("steps"));
        }
        case "pure" -> {
          f.exactly("kind", "epsilon");
          yield new PureDpEvent(f.number("epsilon"));
        }
        case "zcdp" -> {
          f.exactly("kind", "rho");
          yield new ZcdpEvent(f.number("rho"));
        }
        case "approximate" -> {
          f.exactly("kind", "epsilon", "delta");
          yield new ApproximateDpEvent(f.number("epsilon"), f.number("delta"));
        }
        case "delta" -> {
          f.exactly("kind", "delta");
          yield new DeltaEvent(f.number("delta"));
        }
        case "composed" -> {
          f.exactly("kind", "events");
          List<PrivacyEvent> events = new ArrayList<>();
          for (JsonNode inner : f.array("events")) {
            if (!inner.isObject()) {
              throw f.malformed("composed events must be objects");
            }
            events.add(decode((ObjectNode) inner, index, objects));
          }
          yield new ComposedEvent(events);
        }
        case "self-composed" -> {
          f.exactly("kind", "count", "event");
          yield new SelfComposedEvent(
              decode(f.object("event"), index, objects), f.integer("count"));
        }
        case "private-selection" -> {
          f.exactly("kind", "eta", "gamma", "candidates");
          List<PrivacyEvent> candidates = new ArrayList<>();
          for (JsonNode inner : f.array("candidates")) {
            if (!inner.isObject()) {
              throw f.malformed("private-selection candidates must be objects");
            }
            candidates.add(decode((ObjectNode) inner, index, objects));
          }
          yield new PrivateSelectionEvent(candidates, f.number("eta"), f.number("gamma"));
        }
        default -> throw f.malformed("unknown event kind '" + kind + "'");
      };
    } catch (IllegalArgumentException e) {
      throw f.malformed("invalid parameters: " + e.getMessage());
    }
  }
}
