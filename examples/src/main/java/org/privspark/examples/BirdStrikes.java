package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * The FAA wildlife-strike sample of the npm package {@code vega-datasets} 3.2.1 ({@code
 * data/birdstrikes.csv}: 10,000 reported strikes on US aircraft, 1990–2002; a U.S. Government work,
 * public domain per the package's {@code datapackage.json}), used only to evaluate untuned defaults
 * on data this project was never tuned on (docs/BENCHMARKS.md, "Untuned defaults"). It is not in
 * the repository: {@code npm pack vega-datasets@3.2.1} and untar it.
 *
 * <p>Label: the strike damaged the aircraft ({@code Effect Amount of damage} not "None"; about 11 %
 * of rows). Features, from public vocabularies and bounds only: speed [0, 400] knots, year [1990,
 * 2005], month [1, 12], phase of flight, wildlife size, time of day, and whether the operator is
 * the military. The three cost columns are left out: a cost above 0 is the label.
 */
final class BirdStrikes {
  private BirdStrikes() {}

  static Dataset<Row> load(SparkSession spark, Path csv) {
    Dataset<Row> raw =
        spark
            .read()
            .option("header", "true")
            .option("inferSchema", "false")
            .option("mode", "FAILFAST")
            .csv(csv.toString());
    return raw.select(
        col("`Speed IAS in knots`").cast("double").as("speed"),
        year(to_date(col("`Flight Date`"))).cast("double").as("year"),
        month(to_date(col("`Flight Date`"))).cast("double").as("month"),
        col("`Phase of flight`").as("phase"),
        col("`Wildlife Size`").as("size"),
        col("`Time of day`").as("time_of_day"),
        when(col("`Aircraft Airline Operator`").equalTo("MILITARY"), "military")
            .otherwise("civil")
            .as("operator"),
        when(col("`Effect Amount of damage`").equalTo("None"), 0.0).otherwise(1.0).as("label"));
  }

  static PublicFeatureEncoder encoder() {
    return PublicFeatureEncoder.builder()
        .numeric("speed", 0, 400)
        .numeric("year", 1990, 2005)
        .numeric("month", 1, 12)
        .categorical(
            "phase",
            List.of(
                "Approach", "Climb", "Take-off run", "Landing Roll", "Descent", "Taxi", "Parked"))
        .categorical("size", List.of("Small", "Medium", "Large"))
        .categorical("time_of_day", List.of("Dawn", "Day", "Dusk", "Night"))
        .categorical("operator", List.of("military", "civil"))
        .unknown(PublicFeatureEncoder.Unknown.OTHER)
        .build();
  }
}
