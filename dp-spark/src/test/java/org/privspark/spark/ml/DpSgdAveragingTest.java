package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * Tail averaging (averageIterates): the model is the mean of the iterates after the steps of the
 * second half. A run's steps are keyed by their index, so a run of k steps is the first k steps of
 * a longer run under the same key: the mean of the last iterates of the runs of 4, 5 and 6 steps
 * must equal the averaged model of the 6-step run (tail start 6/2 = 3, so the iterates after steps
 * 4, 5 and 6). Deterministic (fixed key).
 */
class DpSgdAveragingTest {

  private static ReleaseKey key() {
    byte[] b = new byte[Secret.LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (11 * i + 5);
    }
    Secret s = Secret.fromBytes(b);
    return ReleaseKey.of(s, s.releaseId());
  }

  private static DpSgd.Result run(JavaRDD<DpSgd.Example[]> rdd, long steps, boolean average) {
    DpSgdPlan plan =
        new DpSgdPlan(0.1, 1.0, 1.0, 1, steps, steps, 1e-5, OrderGrid.defaults(), 400, 0);
    DpSgd.Settings s =
        new DpSgd.Settings(
            plan,
            DpSgd.Loss.LOGISTIC,
            UnitGradient.MEAN,
            true,
            0.5,
            0,
            400,
            2,
            "test",
            false,
            false,
            average);
    return DpSgd.train(rdd, s, key());
  }

  @Test
  void averagedModel_isTheMeanOfTheSecondHalfsIterates_andDiffersFromTheLast() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    List<DpSgd.Example[]> units = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double x = (i % 20) / 20.0;
      units.add(new DpSgd.Example[] {new DpSgd.Example(x > 0.5 ? 1 : 0, Vectors.dense(x, 1 - x))});
    }
    JavaRDD<DpSgd.Example[]> rdd = jsc.parallelize(units, 2).cache();
    try {
      double[] expected = new double[3];
      for (long k = 4; k <= 6; k++) {
        DpSgd.Result last = run(rdd, k, false);
        expected[0] += last.coefficients()[0] / 3;
        expected[1] += last.coefficients()[1] / 3;
        expected[2] += last.intercept() / 3;
      }
      DpSgd.Result averaged = run(rdd, 6, true);
      assertThat(averaged.coefficients()[0]).isCloseTo(expected[0], within(1e-12));
      assertThat(averaged.coefficients()[1]).isCloseTo(expected[1], within(1e-12));
      assertThat(averaged.intercept()).isCloseTo(expected[2], within(1e-12));
      assertThat(averaged.coefficients()[0]).isNotEqualTo(run(rdd, 6, false).coefficients()[0]);
    } finally {
      rdd.unpersist(false);
    }
  }

  @Test
  void averageIterates_isOnByDefault_andCanBeTurnedOff() {
    DPLogisticRegression lr = new DPLogisticRegression().setBudget(PrivacyBudget.inMemory(1, 1e-5));
    assertThat((Boolean) lr.getOrDefault(lr.averageIterates())).isTrue();
    assertThat((Boolean) lr.setAverageIterates(false).getOrDefault(lr.averageIterates())).isFalse();
  }
}
