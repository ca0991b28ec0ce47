package org.privspark.spark.sql;

/**
 * Clamping bounds estimated privately by {@link PrivateDataFrame#bounds(String, double)}: every
 * field is a function of a noisy histogram alone (post-processing), so reading it spends nothing
 * more.
 *
 * <p>When {@link #found()} is false, no bin's noisy count reached the threshold (empty data, or too
 * few privacy units for the ε spent): {@code lower} and {@code upper} are NaN, so that passing them
 * to a statistic is refused before that statistic is charged. Spend more ε, or fall back on public
 * knowledge of the column.
 *
 * @param lower the lower bound, a bin edge (a signed power of two, 0 or ±{@code Double.MAX_VALUE}),
 *     or NaN when none was found
 * @param upper the upper bound, a bin edge, &gt; {@code lower}, or NaN when none was found
 * @param epsilon the ε charged for the estimate
 * @param found whether a bin's noisy count reached the threshold
 * @param description how the bounds were read (bins, threshold, L∞), for a report or a log; it
 *     holds no private value
 */
public record Bounds(
    double lower, double upper, double epsilon, boolean found, String description) {}
