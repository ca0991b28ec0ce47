package org.privspark.spark.ml.wrappers;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.TaskFaults;

/**
 * A wrapper fit whose input tasks fail on their first attempt (docs/RELIABILITY.md, "Spark
 * failures"): the model equals the one fitted without failures, with the same release secret, and
 * the budget is charged once. The fit's statistics come from one treeAggregate over the input, so
 * the faults are in the input stage: the first attempts of both partitions throw.
 */
class WrapperTaskFailureTest {

  /** The toy data on two RDD partitions (a local relation would let the optimizer run the UDF). */
  private static Dataset<Row> toy() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> local = WrapperTesting.toy(400);
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(local.collectAsList(), 2),
        local.schema());
  }

  @Test
  void naiveBayesFit_inputTasksFailOnFirstAttempt_givesTheFailureFreeModelAndOneCharge() {
    PrivacyBudget cleanBudget = PrivacyBudget.inMemory(10, 0);
    NoisyCountNaiveBayesModel expected =
        new NoisyCountNaiveBayes()
            .setRowIsUnit(true)
            .setEpsilon(1.0)
            .setNumClasses(2)
            .setNumFeatures(3)
            .setMaxFeatureL1(3)
            .setBudget(cleanBudget)
            .setReleaseSecret(WrapperTesting.secret(7))
            .fit(toy());

    PrivacyBudget budget = PrivacyBudget.inMemory(10, 0);
    Dataset<Row> faulty =
        toy()
            .withColumn(
                "label",
                TaskFaults.failingIdentity(1, -1)
                    .apply(TaskFaults.failingIdentity(0, -1).apply(col("label"))));
    NoisyCountNaiveBayesModel retried;
    TaskFaults.Recorder recorder = TaskFaults.Recorder.attach(SparkTestSession.get());
    try (recorder) {
      retried =
          new NoisyCountNaiveBayes()
              .setRowIsUnit(true)
              .setEpsilon(1.0)
              .setNumClasses(2)
              .setNumFeatures(3)
              .setMaxFeatureL1(3)
              .setBudget(budget)
              .setReleaseSecret(WrapperTesting.secret(7))
              .fit(faulty);
    }
    System.out.println("task ends by stage (naive Bayes, failing run): " + recorder.byStage());
    assertThat(recorder.count("ExceptionFailure")).as("tasks that threw").isGreaterThanOrEqualTo(2);
    assertThat(retried.theta()).isEqualTo(expected.theta());
    assertThat(retried.pi()).isEqualTo(expected.pi());
    assertThat(budget.spent().epsilon()).isEqualTo(cleanBudget.spent().epsilon()).isPositive();
  }

  /**
   * The same at the level of the unit (k = 2 of each person's 5 rows): the rows kept per unit are
   * chosen by the fit's release key, so the retried input tasks keep the same rows, and the model
   * equals the failure-free one.
   */
  @Test
  void unitLevelFit_inputTasksFailOnFirstAttempt_keepsTheSameRowsAndGivesTheFailureFreeModel() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> local = WrapperTesting.toyUnits(80, 5);
    Dataset<Row> units =
        spark.createDataFrame(
            JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(local.collectAsList(), 2),
            local.schema());
    PrivacyBudget cleanBudget = PrivacyBudget.inMemory(10, 0);
    NoisyCountNaiveBayesModel expected = unitLevel(cleanBudget).fit(units);

    PrivacyBudget budget = PrivacyBudget.inMemory(10, 0);
    Dataset<Row> faulty =
        units.withColumn(
            "label",
            TaskFaults.failingIdentity(1, -1)
                .apply(TaskFaults.failingIdentity(0, -1).apply(col("label"))));
    NoisyCountNaiveBayesModel retried;
    TaskFaults.Recorder recorder = TaskFaults.Recorder.attach(spark);
    try (recorder) {
      retried = unitLevel(budget).fit(faulty);
    }
    System.out.println(
        "task ends by stage (unit-level naive Bayes, failing run): " + recorder.byStage());
    assertThat(recorder.count("ExceptionFailure")).as("tasks that threw").isGreaterThanOrEqualTo(2);
    assertThat(retried.theta()).isEqualTo(expected.theta());
    assertThat(retried.pi()).isEqualTo(expected.pi());
    assertThat(budget.spent().epsilon()).isEqualTo(cleanBudget.spent().epsilon()).isPositive();
  }

  private static NoisyCountNaiveBayes unitLevel(PrivacyBudget budget) {
    return new NoisyCountNaiveBayes()
        .setPrivacyUnitCol("person")
        .setMaxRowsPerUnit(2)
        .setEpsilon(1.0)
        .setNumClasses(2)
        .setNumFeatures(3)
        .setMaxFeatureL1(3)
        .setBudget(budget)
        .setReleaseSecret(WrapperTesting.secret(8));
  }
}
