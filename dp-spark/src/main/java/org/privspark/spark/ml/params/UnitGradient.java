package org.privspark.spark.ml.params;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * How unit-level DP-SGD forms one privacy unit's contribution to a step from the gradients of its
 * kept rows, each first clipped to L2 norm C (docs/ML.md, "The privacy unit"). Both modes bound a
 * unit's contribution by C, so the noise, the sampling and the accounting are the same.
 *
 * <ul>
 *   <li>{@link #MEAN} (the default): the mean of the rows' clipped gradients. Its norm is at most C
 *       by the triangle inequality, with no second clip, and every unit weighs the same however
 *       many rows it kept, so C and the learning rate need no retuning with k. McMahan et al. 2018
 *       average a user's updates likewise.
 *   <li>{@link #SUM}: the sum of the rows' clipped gradients, clipped to C again. A unit whose rows
 *       are alike reaches C about k times sooner than one row does, so it needs C and η scaled with
 *       k to train as well.
 * </ul>
 *
 * A unit of one row (every unit in row-level mode) contributes its clipped gradient in both modes.
 * The Spark param is declared by {@link #declare} on the DP-SGD estimators (the MLlib wrappers
 * compute no gradients and do not have it).
 */
public enum UnitGradient {
  /** The mean of a unit's clipped row gradients. */
  MEAN,
  /** The sum of a unit's clipped row gradients, clipped to C. */
  SUM;

  /** The param's name. */
  public static final String PARAM = "unitGradient";

  /** The default mode. */
  public static final UnitGradient DEFAULT = MEAN;

  /** The param value naming this mode: "mean" or "sum". */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The allowed param values, for messages: {@code "mean" or "sum"}. */
  static String allowed() {
    return ParamChecks.quotedAlternatives(valueList());
  }

  private static java.util.List<String> valueList() {
    return Arrays.stream(values()).map(UnitGradient::value).toList();
  }

  /**
   * The mode named by {@code value}: exactly "mean" or "sum" (lower case).
   *
   * @throws IllegalArgumentException naming the param and the allowed values otherwise
   */
  public static UnitGradient of(String value) {
    for (UnitGradient m : values()) {
      if (m.value().equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        PARAM
            + " must be "
            + allowed()
            + "; got "
            + (value == null ? "nothing" : "'" + value + "'"));
  }

  /**
   * Declares the {@code unitGradient} param (String) on {@code owner}, with default {@code "mean"};
   * {@code set} refuses any other value than "mean" or "sum" with the message {@link #of} gives.
   */
  public static Param<String> declare(Params owner) {
    Param<String> p =
        new Param<>(
            owner.uid(),
            PARAM,
            "how a unit's clipped row gradients form its contribution to a step: "
                + allowed()
                + ". mean (default): their mean, norm <= clipNorm with no second clip, every unit"
                + " weighs the same; sum: their sum clipped to clipNorm. One-row units (rowIsUnit)"
                + " are the same under both",
            ParamChecks.oneOf(PARAM, valueList().toArray(String[]::new)));
    owner.setDefault(p, DEFAULT.value());
    return p;
  }
}
