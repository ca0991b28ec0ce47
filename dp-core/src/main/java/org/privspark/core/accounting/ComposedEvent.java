package org.privspark.core.accounting;

import java.util.List;
import org.privspark.core.Check;

/**
 * Adaptive composition of several events: curves, additive δ's and pure ε's add up.
 *
 * @param events the composed events, at least one
 */
public record ComposedEvent(List<PrivacyEvent> events) implements PrivacyEvent {
  public ComposedEvent {
    Check.notNull("events", events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("events must hold at least one event; got none");
    }
    for (int i = 0; i < events.size(); i++) {
      Check.notNull("events[" + i + "]", events.get(i));
    }
    events = List.copyOf(events);
  }

  public static ComposedEvent of(PrivacyEvent... events) {
    Check.notNull("events", events);
    for (int i = 0; i < events.length; i++) {
      Check.notNull("events[" + i + "]", events[i]);
    }
    return new ComposedEvent(List.of(events));
  }

  @Override
  public double rdp(double order) {
    double sum = 0;
    for (PrivacyEvent e : events) {
      sum = RdpCurve.addRoundingUp(sum, e.rdp(order));
    }
    return sum;
  }

  @Override
  public double additiveDelta() {
    double sum = 0;
    for (PrivacyEvent e : events) {
      sum = RdpCurve.addRoundingUp(sum, e.additiveDelta());
    }
    return sum;
  }

  @Override
  public double pureEpsilon() {
    double sum = 0;
    for (PrivacyEvent e : events) {
      sum = RdpCurve.addRoundingUp(sum, e.pureEpsilon());
    }
    return sum;
  }
}
