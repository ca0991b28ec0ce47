package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * One event run {@code count} times (adaptively): every quantity is multiplied by the count.
 *
 * @param event the repeated event
 * @param count how many times, &ge; 1
 */
public record SelfComposedEvent(PrivacyEvent event, long count) implements PrivacyEvent {
  public SelfComposedEvent {
    Check.notNull("event", event);
    Check.atLeastOne("count", count);
    if (count >= (1L << 53)) {
      throw new IllegalArgumentException("count must be < 2^53; got " + count);
    }
  }

  @Override
  public double rdp(double order) {
    return RdpCurve.multiplyRoundingUp(event.rdp(order), count);
  }

  @Override
  public double additiveDelta() {
    return RdpCurve.multiplyRoundingUp(event.additiveDelta(), count);
  }

  @Override
  public double pureEpsilon() {
    return RdpCurve.multiplyRoundingUp(event.pureEpsilon(), count);
  }
}
