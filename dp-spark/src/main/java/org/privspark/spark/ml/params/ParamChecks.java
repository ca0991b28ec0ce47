package org.privspark.spark.ml.params;

import java.io.Serializable;
import org.privspark.core.Check;
import scala.Function1;

/**
 * Spark ML param validators that speak PrivSpark's error shape. Spark's own {@code ParamValidators}
 * reject a value with "parameter x given invalid value y", which names neither the allowed range
 * nor a fix; these validators throw {@link IllegalArgumentException} with {@code "<param> must be
 * <range>; got <value>"} from {@link Check} instead, at {@code set} time, before any data is read
 * or budget spent.
 *
 * <p>Each validator is a serializable Scala function, as Spark requires of a {@code Param}'s {@code
 * isValid}.
 */
public final class ParamChecks {
  private ParamChecks() {}

  /** A validator; {@code apply} throws with the Check message or returns true. */
  private interface Validator<T> extends Function1<T, Object>, Serializable {}

  /**
   * Finite and &gt; 0.
   *
   * @param name the param's name, for the message
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> positiveFinite(String name) {
    return (Validator<T>)
        v -> {
          Check.positiveFinite(name, ((Number) v).doubleValue());
          return true;
        };
  }

  /**
   * Finite and &ge; 0.
   *
   * @param name the param's name, for the message
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> nonNegativeFinite(String name) {
    return (Validator<T>)
        v -> {
          Check.nonNegativeFinite(name, ((Number) v).doubleValue());
          return true;
        };
  }

  /**
   * In (lower, upper].
   *
   * @param name the param's name, for the message
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> inLeftOpen(String name, double lower, double upper) {
    return (Validator<T>)
        v -> {
          Check.inLeftOpen(name, ((Number) v).doubleValue(), lower, upper);
          return true;
        };
  }

  /**
   * In (lower, upper).
   *
   * @param name the param's name, for the message
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> inOpen(String name, double lower, double upper) {
    return (Validator<T>)
        v -> {
          Check.inOpen(name, ((Number) v).doubleValue(), lower, upper);
          return true;
        };
  }

  /** In [lower, upper]. */
  /**
   * A number in [lower, upper] (NaN refused), the range named in the message as {@code range}
   * ("[2^-500, 2^500]").
   *
   * @param name the param's name, for the message
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @param range the range as the message says it
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> inClosed(
      String name, double lower, double upper, String range) {
    return (Validator<T>)
        v -> {
          double x = ((Number) v).doubleValue();
          if (!(x >= lower && x <= upper)) {
            throw new IllegalArgumentException(name + " must be in " + range + "; got " + x);
          }
          return true;
        };
  }

  /**
   * A number in [lower, upper] (NaN refused), the range named in the message as "[lower, upper]".
   *
   * @param name the param's name, for the message
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> inClosed(String name, double lower, double upper) {
    return (Validator<T>)
        v -> {
          Check.inClosed(name, ((Number) v).doubleValue(), lower, upper);
          return true;
        };
  }

  /**
   * An integer in [lower, upper].
   *
   * @param name the param's name, for the message
   * @param lower the lower end of the range
   * @param upper the upper end of the range
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> intInClosed(String name, long lower, long upper) {
    return (Validator<T>)
        v -> {
          long x = ((Number) v).longValue();
          if (x < lower || x > upper) {
            throw new IllegalArgumentException(
                name + " must be an integer in [" + lower + ", " + upper + "]; got " + x);
          }
          return true;
        };
  }

  /**
   * An integer &ge; 1.
   *
   * @param name the param's name, for the message
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> atLeastOne(String name) {
    return (Validator<T>)
        v -> {
          Check.atLeastOne(name, ((Number) v).longValue());
          return true;
        };
  }

  /**
   * A string matching {@code pattern}; {@code allowed} describes it in the message.
   *
   * @param name the param's name, for the message
   * @param pattern the pattern the whole value must match
   * @param allowed what is allowed, as the message says it
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> matching(
      String name, java.util.regex.Pattern pattern, String allowed) {
    return (Validator<T>)
        v -> {
          if (!(v instanceof String s) || !pattern.matcher(s).matches()) {
            throw new IllegalArgumentException(name + " must be " + allowed + "; got " + v);
          }
          return true;
        };
  }

  /**
   * A non-empty column name.
   *
   * @param name the param's name, for the message
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> columnName(String name) {
    return (Validator<T>)
        v -> {
          if (!(v instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty column name; got " + v);
          }
          return true;
        };
  }

  /**
   * One of the strings {@code allowed}, named in the message as {@code "a" or "b"}.
   *
   * @param name the param's name, for the message
   * @param allowed what is allowed, as the message says it
   * @return a Spark ML {@code Param} validator that throws, naming the param and the range
   */
  public static <T> Function1<T, Object> oneOf(String name, String... allowed) {
    java.util.List<String> values = java.util.List.of(allowed);
    return (Validator<T>)
        v -> {
          if (!(v instanceof String s) || !values.contains(s)) {
            throw new IllegalArgumentException(
                name
                    + " must be "
                    + quotedAlternatives(values)
                    + "; got "
                    + (v instanceof String ? "'" + v + "'" : v));
          }
          return true;
        };
  }

  /** {@code "a", "b" or "c"}. */
  static String quotedAlternatives(java.util.List<String> values) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : i == values.size() - 1 ? " or " : ", ")
          .append('"')
          .append(values.get(i))
          .append('"');
    }
    return b.toString();
  }
}
