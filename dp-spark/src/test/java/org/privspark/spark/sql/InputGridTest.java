package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fixed-point grid of a measurement's input (issue 12, hostile review: sums were computed in
 * floating point, so the charged sensitivity did not hold). Every bound is checked here in exact
 * arithmetic, for per-row bounds and L∞ across their whole ranges: a row's snapped contribution
 * stays within C units, a unit's partial within U = k·C units and inside its limbs, and the charged
 * per-group bound U·g is at least k·c.
 */
class InputGridTest {
  private static final double[] ROW_BOUNDS = {
    Double.MIN_VALUE,
    1e-310,
    1e-300,
    0x1p-1022,
    0.1,
    1,
    1.7979417189849305,
    100,
    0x1p60 + 0x1p8,
    1e15,
    1e300,
    1e308,
    0x1p1023,
    Double.MAX_VALUE
  };
  private static final long[] L_INF = {
    1, 2, 3, 10, 4966, 1L << 20, Integer.MAX_VALUE, Long.MAX_VALUE
  };

  private static BigDecimal exact(double x) {
    return new BigDecimal(x);
  }

  private static BigDecimal step(InputGrid grid) {
    int e = grid.exponent();
    return e >= 0
        ? new BigDecimal(BigInteger.ONE.shiftLeft(e))
        : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
  }

  /** Every accepted (c, L∞): the proofs' inequalities, exactly. */
  @Test
  void of_everyBoundAndLInf_unitBoundFitsItsLimbsAndCoversTheRealBound() {
    int accepted = 0;
    for (double c : ROW_BOUNDS) {
      for (long lInf : L_INF) {
        long k = InputGrid.keptRows(lInf);
        BigDecimal kc = exact(c).multiply(BigDecimal.valueOf(k));
        InputGrid grid;
        try {
          grid = InputGrid.of("sum[v]", c, lInf);
        } catch (IllegalArgumentException refused) {
          // Refused only at the top of the double range, and with a message naming the measurement.
          assertThat(kc)
              .as("c=%s L∞=%s", c, lInf)
              .isGreaterThan(exact(Double.MAX_VALUE * (1 - 0x1p-30)));
          assertThat(refused).hasMessageContaining("sum[v]");
          continue;
        }
        accepted++;
        String at = "c=" + c + " L∞=" + lInf + " " + grid;
        BigDecimal g = step(grid);
        // C = ⌈c/g⌉ and U = k·C.
        assertThat(new BigDecimal(grid.rowUnits()).multiply(g))
            .as(at)
            .isGreaterThanOrEqualTo(exact(c));
        assertThat(new BigDecimal(grid.rowUnits() - 1).multiply(g)).as(at).isLessThan(exact(c));
        assertThat(grid.unitUnits()).as(at).isEqualTo(k * grid.rowUnits());
        // The proofs: U < 2^54, U < 2^(21·limbs), and 2^42 when the exponent is not capped.
        assertThat(grid.unitUnits()).as(at).isLessThan(1L << 54);
        assertThat(BigInteger.valueOf(grid.unitUnits()))
            .as(at)
            .isLessThan(BigInteger.ONE.shiftLeft(21 * grid.limbs()));
        if (grid.exponent() < InputGrid.MAX_EXPONENT) {
          assertThat(grid.unitUnits()).as(at).isLessThan(1L << 42);
          assertThat(grid.limbs()).as(at).isLessThanOrEqualTo(2);
        }
        // The charged bound: at least k·c, and U·g rounded up.
        double bound = grid.groupBound();
        assertThat(exact(bound))
            .as(at)
            .isGreaterThanOrEqualTo(exact(c).multiply(BigDecimal.valueOf(k)));
        assertThat(exact(bound))
            .as(at)
            .isGreaterThanOrEqualTo(new BigDecimal(grid.unitUnits()).multiply(g));
        assertThat(exact(Math.nextDown(bound)))
            .as(at)
            .isLessThan(new BigDecimal(grid.unitUnits()).multiply(g));
      }
    }
    assertThat(accepted).isGreaterThan(50);
  }

  /** L∞ = 1 takes every finite bound, up to Double.MAX_VALUE: the cap keeps U·g finite. */
  @Test
  void of_lInfOne_acceptsEveryFiniteBound() {
    for (double c : ROW_BOUNDS) {
      assertThat(InputGrid.of("sum[v]", c, 1).groupBound())
          .as("c=%s", c)
          .isFinite()
          .isGreaterThanOrEqualTo(c);
    }
    assertThat(InputGrid.of("sum[v]", Double.MAX_VALUE, 1).groupBound())
        .isEqualTo(Double.MAX_VALUE);
  }

  /** The price of the grid: the charged bound exceeds k·c by a relative 2k·2^-40 at most. */
  @Test
  void groupBound_costsAtMostTwoKTimesTwoToTheMinus40() {
    for (double c : new double[] {1, 1.7979417189849305, 100, 0x1p60 + 0x1p8, 1e15, 3.3e-200}) {
      for (long lInf : new long[] {1, 10, 4966, 1L << 20}) {
        InputGrid grid = InputGrid.of("sum[v]", c, lInf);
        double relative = grid.groupBound() / (c * lInf) - 1;
        assertThat(relative)
            .as("c=%s L∞=%s", c, lInf)
            .isLessThanOrEqualTo(2.0 * lInf * 0x1p-40 * (1 + 1e-9));
      }
    }
  }

  @Test
  void of_infiniteOrNonPositiveBound_refusedNamingTheMeasurement() {
    for (double c : new double[] {Double.POSITIVE_INFINITY, Double.NaN, 0, -1}) {
      assertThatThrownBy(() -> InputGrid.of("csq[v,0.0,1.0E200]", c, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("csq[v,0.0,1.0E200]");
    }
  }

  /** Every contribution |x| ≤ c snaps to at most C units, halves up, exactly as x/g rounds. */
  @Test
  void snap_contributionsWithinTheBound_stayWithinRowUnits() {
    SplittableRandom random = new SplittableRandom(12);
    for (double c : ROW_BOUNDS) {
      for (long lInf : new long[] {1, 4966, Long.MAX_VALUE}) {
        if (exact(c)
                .multiply(BigDecimal.valueOf(InputGrid.keptRows(lInf)))
                .compareTo(exact(Double.MAX_VALUE))
            > 0) {
          continue; // refused (above)
        }
        InputGrid grid = InputGrid.of("sum[v]", c, lInf);
        List<Double> xs =
            new ArrayList<>(
                List.of(c, -c, 0.0, -0.0, Math.nextDown(c), Double.MIN_VALUE, -Double.MIN_VALUE));
        for (int i = 0; i < 50; i++) {
          xs.add(c * (2 * random.nextDouble() - 1));
        }
        for (double x : xs) {
          long r = grid.snap(x);
          assertThat(Math.abs(r)).as("c=%s x=%s", c, x).isLessThanOrEqualTo(grid.rowUnits());
          // r = ⌊x/g + ½⌋ exactly.
          BigDecimal units = exact(x).divide(step(grid));
          assertThat(
                  units
                      .add(new BigDecimal("0.5"))
                      .setScale(0, java.math.RoundingMode.FLOOR)
                      .longValueExact())
              .as("c=%s x=%s", c, x)
              .isEqualTo(r);
        }
      }
    }
  }

  /**
   * Issue 12 (hostile review, "a single unit's partial"): one unit's 4,966 rows of 1.7979…, summed
   * in doubles, came to more than the charged 4,966 × 1.7979… rounded up. Summed on the grid, the
   * partial is an exact integer within the unit bound, whatever the order of the rows.
   */
  @Test
  void partialOfOneUnit_reviewersRows_withinTheUnitBound() {
    double b = 1.7979417189849305;
    int rows = 4966;
    InputGrid grid = InputGrid.of("sum[v]", b, rows);
    long partial = 0;
    double doubleSum = 0;
    for (int i = 0; i < rows; i++) {
      partial += grid.snap(b);
      doubleSum += b;
    }
    assertThat(partial).isLessThanOrEqualTo(grid.unitUnits());
    assertThat(exact(grid.groupBound()))
        .isGreaterThanOrEqualTo(new BigDecimal(partial).multiply(step(grid)));
    // The double sum it replaces exceeded the bound charged before (4,966 · b rounded up).
    assertThat(doubleSum).isGreaterThan(QueryPlan.productUp(rows, b));
  }

  /**
   * Limbs: split and recombined over many units, the group total is the exact sum of the partials.
   */
  @Test
  void limbs_columnSumsRecombine_toTheExactTotal() {
    SplittableRandom random = new SplittableRandom(5);
    for (InputGrid grid :
        List.of(
            InputGrid.of("s", 1e15, 10),
            InputGrid.of("s", 1e308, 1),
            InputGrid.of("s", 1e300, 1L << 20),
            InputGrid.counts(Integer.MAX_VALUE - 8L))) {
      long[] columns = new long[grid.limbs()];
      BigInteger exactTotal = BigInteger.ZERO;
      for (int unit = 0; unit < 10_000; unit++) {
        long partial =
            unit < 3
                ? grid.unitUnits()
                : unit < 6
                    ? -grid.unitUnits()
                    : random.nextLong(-grid.unitUnits(), grid.unitUnits() + 1);
        if (grid.limbs() == 1 && partial < 0) {
          partial = -partial; // counts are never negative
        }
        exactTotal = exactTotal.add(BigInteger.valueOf(partial));
        for (int j = 0; j < grid.limbs(); j++) {
          long limb = grid.limb(partial, j);
          if (j < grid.limbs() - 1) {
            assertThat(limb).isBetween(0L, (1L << 21) - 1);
          } else if (grid.limbs() > 1) {
            assertThat(limb).isBetween(-(1L << 21), (1L << 21) - 1);
          }
          columns[j] = Math.addExact(columns[j], limb);
        }
      }
      List<Long> sums = new ArrayList<>();
      for (long c : columns) {
        sums.add(c);
      }
      assertThat(grid.combine(sums, 0)).as("%s", grid).isEqualTo(exactTotal);
    }
  }
}
