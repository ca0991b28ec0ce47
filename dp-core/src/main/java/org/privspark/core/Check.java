package org.privspark.core;

/**
 * Argument checks with one message shape: {@code "<param> must be <range>; got <value>"}.
 *
 * <p>Every public entry point validates through this class, so that bad input (NaN, infinity,
 * out-of-range values) is refused with a message that names the parameter and the allowed range,
 * before any budget is spent or any noise drawn.
 */
public final class Check {
  private Check() {}

  /**
   * Requires {@code value} to be finite and strictly positive.
   *
   * @param name the parameter's name, for the message
   * @param value the value to check
   * @return {@code value}, so that a check can stand in an assignment
   */
  public static double positiveFinite(String name, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and > 0; got " + value);
    }
    return value;
  }

  /**
   * Requires {@code value} to be finite and at least zero.
   *
   * @param name the parameter's name, for the message
   * @param value the value to check
   * @return {@code value}, so that a check can stand in an assignment
   */
  public static double nonNegativeFinite(String name, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0; got " + value);
    }
    return value;
  }

  /**
   * Requires {@code lower <= value < upper}; NaN is refused.
   *
   * @param name the parameter's name, for the message
   * @param value the value to check
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @return {@code value}, so that a check can stand in an assignment
   */
  public static double inHalfOpen(String name, double value, double lower, double upper) {
    if (!(value >= lower && value < upper)) {
      throw new IllegalArgumentException(
          name + " must be in [" + lower + ", " + upper + "); got " + value);
    }
    return value;
  }

  /**
   * Requires {@code lower <= value <= upper}; NaN is refused.
   *
   * @param name the parameter's name, for the message
   * @param value the value to check
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @return {@code value}, so that a check can stand in an assignment
   */
  public static double inClosed(String name, double value, double lower, double upper) {
    if (!(value >= lower && value <= upper)) {
      throw new IllegalArgumentException(
          name + " must be in [" + lower + ", " + upper + "]; got " + value);
    }
    return value;
  }

  /**
   * Requires {@code lower < value < upper}; NaN is refused.
   *
   * @param name the parameter's name, for the message
   * @param value the value to check
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @return {@code value}, so that a check can stand in an assignment
   */
  public static double inOpen(String name, double value, double lower, double upper) {
    if (!(value > lower && value < upper)) {
      throw new IllegalArgumentException(
          name + " must be in (" + lower + ", " + upper + "); got " + value);
    }
    return value;
  }

  /**
   * Requires {@code lower < value <= upper}; NaN is refused.
   *
   * @param name the parameter's name, for the message
   * @param value the value to check
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @return {@code value}, so that a check can stand in an assignment
   */
  public static double inLeftOpen(String name, double value, double lower, double upper) {
    if (!(value > lower && value <= upper)) {
      throw new IllegalArgumentException(
          name + " must be in (" + lower + ", " + upper + "]; got " + value);
    }
    return value;
  }

  /**
   * Requires {@code value >= 1}.
   *
   * @param name the parameter's name, for the message
   * @param value the value to check
   * @return {@code value}, so that a check can stand in an assignment
   */
  public static long atLeastOne(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1; got " + value);
    }
    return value;
  }

  /**
   * Requires {@code value} to be non-null.
   *
   * @param name the parameter's name, for the message
   * @param value the value to check
   * @return {@code value}, so that a check can stand in an assignment
   */
  public static <T> T notNull(String name, T value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }
}
