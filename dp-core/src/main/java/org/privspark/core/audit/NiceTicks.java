package org.privspark.core.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "Nice" tick values for the report's chart: round numbers (1, 2 or 5 times a power of ten) on the
 * ε axis, and round instants (a whole number of milliseconds, seconds, minutes, hours or days, or
 * the first of January of a year that is a multiple of 1, 2 or 5 times a power of ten, in UTC) on
 * the time axis, with three to seven ticks that span the data whatever the span.
 */
final class NiceTicks {
  /** Tick steps on the time axis, in milliseconds. */
  private static final long[] TIME_STEPS = {
    1,
    2,
    5,
    10,
    20,
    50,
    100,
    200,
    500,
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000L,
    2 * 86_400_000L,
    7 * 86_400_000L,
    14 * 86_400_000L,
    28 * 86_400_000L,
    91 * 86_400_000L,
    182 * 86_400_000L,
    364 * 86_400_000L
  };

  /** A step this long or longer is a whole number of years ({@link #years}): labelled by year. */
  private static final long YEAR = 365 * 86_400_000L;

  /** At most this many intervals between ticks. */
  private static final int MAX_INTERVALS = 6;

  private NiceTicks() {}

  /**
   * Ticks from 0 up to the first tick at or above {@code max}, at a step of 1, 2 or 5 times a power
   * of ten. A {@code max} that is not positive and finite gives the ticks of 1.
   */
  static double[] values(double max) {
    if (!(max > 0) || !Double.isFinite(max)) {
      max = 1;
    }
    double step = niceStep(max / MAX_INTERVALS);
    int n = (int) Math.ceil(max / step - 1e-9);
    n = Math.max(n, 2);
    double[] ticks = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      ticks[i] = i * step;
    }
    return ticks;
  }

  /** The smallest of 1, 2 and 5 times a power of ten at or above {@code raw}. */
  static double niceStep(double raw) {
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= raw) {
        return m * power;
      }
    }
    return 10 * power;
  }

  /**
   * Ticks on whole multiples of a round step (from 1 ms to 364 days), from the last at or before
   * {@code from} to the first at or after {@code to}: the smallest step that gives at most six
   * intervals. A longer span (entry times are only checked to be non-decreasing, so one may be
   * dated far ahead) gets {@link #years} instead: three to seven ticks whatever the span.
   */
  static long[] times(long from, long to) {
    long step = 0;
    for (long s : TIME_STEPS) {
      if (ceilDiv(to, s) - Math.floorDiv(from, s) <= MAX_INTERVALS) {
        step = s;
        break;
      }
    }
    if (step == 0) {
      return years(from, to);
    }
    long first = Math.floorDiv(from, step);
    long last = Math.max(ceilDiv(to, step), first + 2);
    List<Long> ticks = new ArrayList<>();
    for (long i = first; i <= last; i++) {
      ticks.add(i * step);
    }
    return ticks.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Ticks on the first of January (UTC) of the years that are multiples of 1, 2 or 5 times a power
   * of ten years, from the last at or before {@code from} to the first at or after {@code to}: the
   * smallest such step that gives at most six intervals. A tick beyond the range of a long (past
   * the year 292,278,994) is the largest time there is, and the last tick.
   */
  static long[] years(long from, long to) {
    long y0 = year(from);
    long y1 = year(to) + (januaryFirst(year(to)) < to ? 1 : 0);
    long step = 1;
    search:
    for (long power = 1; ; power *= 10) {
      for (long m : new long[] {1, 2, 5}) {
        step = m * power;
        if (ceilDiv(y1, step) - Math.floorDiv(y0, step) <= MAX_INTERVALS) {
          break search;
        }
      }
    }
    long first = Math.floorDiv(y0, step);
    long last = Math.max(ceilDiv(y1, step), first + 2);
    List<Long> ticks = new ArrayList<>();
    for (long i = first; i <= last; i++) {
      long t = januaryFirst(i * step);
      ticks.add(t);
      if (t == Long.MAX_VALUE) {
        break;
      }
    }
    return ticks.stream().mapToLong(Long::longValue).toArray();
  }

  /** The year (UTC) of an instant in milliseconds. */
  private static long year(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).getYear();
  }

  /**
   * The first of January of {@code year} at 00:00 UTC in milliseconds, saturated to the range of a
   * long.
   */
  private static long januaryFirst(long year) {
    long day = LocalDate.of(Math.toIntExact(year), 1, 1).toEpochDay();
    try {
      return Math.multiplyExact(day, 86_400_000L);
    } catch (ArithmeticException e) {
      return day > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
  }

  /**
   * A time tick's label in UTC, as precise as the step between ticks needs; with the month and day
   * too when the ticks cross a day ({@code acrossDays}) and the step is shorter than a day.
   */
  static String timeLabel(long millis, long step, boolean acrossDays) {
    if (step >= YEAR) {
      return Long.toString(year(millis)); // "20000", not ISO's "+20000"
    }
    String pattern =
        step < 1_000
            ? "HH:mm:ss.SSS"
            : step < 60_000 ? "HH:mm:ss" : step < 86_400_000L ? "HH:mm" : "yyyy-MM-dd";
    if (acrossDays && step < 86_400_000L) {
      pattern = "MM-dd " + pattern;
    }
    return DateTimeFormatter.ofPattern(pattern, Locale.ROOT)
        .withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(millis));
  }

  /** ⌈a / b⌉ for b &gt; 0 (Math.ceilDiv is Java 18). */
  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /**
   * A number in at most six significant digits without trailing zeros: 0.5, 3, 1e-05 (a tick's
   * label, or a figure of the report).
   */
  static String valueLabel(double v) {
    String s = String.format(Locale.ROOT, "%.6g", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "");
      mantissa = mantissa.endsWith(".") ? mantissa.substring(0, mantissa.length() - 1) : mantissa;
    }
    return e < 0 ? mantissa : mantissa + s.substring(e);
  }
}
