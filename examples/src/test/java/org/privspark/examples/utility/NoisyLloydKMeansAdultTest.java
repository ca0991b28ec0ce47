package org.privspark.examples.utility;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.examples.AdultEncoding;
import org.privspark.examples.ModelMetrics;
import org.privspark.spark.ml.wrappers.NoisyLloydKMeans;
import org.privspark.spark.ml.wrappers.NoisyLloydKMeansModel;

/**
 * {@link NoisyLloydKMeans} on Adult ({@link AdultEncoding}'s {@code mixed}); dp-spark's test covers
 * the rest.
 */
class NoisyLloydKMeansAdultTest {
  private static final double DELTA = 1e-6;

  /**
   * Utility on Adult ({@code mixed}, 104 features in [0, 1]), k = 5, T = 5, ε = 1, δ = 1e-6, random
   * public initial centres in the box. The k-means cost on the training data is printed beside
   * MLlib's (k-means||, 20 iterations, non-private); asserted only to beat the cost of the initial
   * centres, to show the iterations helped.
   */
  @Test
  void fit_adultAtEpsilonOne_reportsCostAgainstNonPrivate() {
    Dataset<Row> train = AdultFixture.encodedTrain();
    KMeansModel exact = new KMeans().setK(5).setSeed(1).setFeaturesCol("mixed").fit(train);
    double exactCost = ModelMetrics.kMeansCost(train, "mixed", exact.clusterCenters());
    double[] ratio = new double[3];
    for (int r = 0; r < ratio.length; r++) {
      NoisyLloydKMeans km =
          new NoisyLloydKMeans()
              .setRowIsUnit(true)
              .setEpsilon(1)
              .setDelta(DELTA)
              .setK(5)
              .setNumFeatures(AdultEncoding.MIXED)
              .setFeatureBounds(0, 1)
              .setMaxFeatureNorm(Math.sqrt(13))
              .setMaxIter(5)
              .setFeaturesCol("mixed")
              .setBudget(PrivacyBudget.inMemory(1, DELTA))
              .setReleaseSecret(AdultFixture.secret(42 + r));
      NoisyLloydKMeansModel fit = km.fit(train);
      ratio[r] = ModelMetrics.kMeansCost(train, "mixed", fit.clusterCenters()) / exactCost;
    }
    System.out.printf(
        "kmeans on Adult: eps=1 cost / non-private cost %s (non-private cost %.1f)%n",
        java.util.Arrays.toString(ratio), exactCost);
    for (double q : ratio) {
      assertThat(q).isLessThan(3.0);
    }
  }
}
