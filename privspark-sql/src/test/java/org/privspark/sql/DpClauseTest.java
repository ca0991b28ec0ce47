package org.privspark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.junit.jupiter.api.Test;
import org.privspark.core.aggregation.NoiseKind;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/** The DP clause's scanner and options, without a Spark session. */
class DpClauseTest {

  private static DpClause clause(String sql) {
    Option<DpClause> c = DpClause.parse(sql);
    assertThat(c.isDefined()).as("a DP statement: %s", sql).isTrue();
    return c.get();
  }

  @Test
  void otherStatementsAreNotDpStatements() {
    for (String sql :
        new String[] {
          "SELECT * FROM t",
          "SELECT WITH_X FROM t",
          "SELECT with FROM t",
          "WITH x AS (SELECT 1) SELECT * FROM x",
          "EXPLAIN SELECT * FROM t",
          "EXPLAIN EXTENDED SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) COUNT(*) FROM t",
          "SELECT WITH DIFFERENTIAL_PRIVACYX OPTIONS (epsilon = 1) COUNT(*) FROM t",
          ""
        }) {
      assertThat(DpClause.parse(sql).isDefined()).as(sql).isFalse();
    }
  }

  @Test
  void splitsTheClauseFromTheSelectInAnyCaseAndAroundComments() {
    DpClause c =
        clause(
            "  -- a comment\n"
                + " /* another */ select  with\n"
                + " differential_privacy options(EPSILON = 0.5, delta=1e-6, privacy_unit_column ="
                + " user_id, noise = 'a,b)') day, COUNT(*) FROM visits GROUP BY day");
    assertThat(c.explain()).isFalse();
    assertThat(CollectionConverters.asJava(c.options()))
        .containsExactly(
            new Tuple2<>("epsilon", "0.5"),
            new Tuple2<>("delta", "1e-6"),
            new Tuple2<>("privacy_unit_column", "user_id"),
            new Tuple2<>("noise", "'a,b)'"));
    assertThat(c.select()).isEqualTo("SELECT  day, COUNT(*) FROM visits GROUP BY day");
  }

  @Test
  void explainFormIsRecognised() {
    assertThat(
            clause("EXPLAIN SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) COUNT(*) FROM t")
                .explain())
        .isTrue();
  }

  @Test
  void malformedOptionsNameTheProblem() {
    assertThatThrownBy(
            () -> DpClause.parse("SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon 1) COUNT(*)"))
        .isInstanceOf(DpSqlException.class)
        .hasMessageContaining("name = value");
    assertThatThrownBy(
            () -> DpClause.parse("SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1 COUNT(*)"))
        .isInstanceOf(DpSqlException.class)
        .hasMessageContaining("not closed");
  }

  private static DpOptions options(String sql) {
    return DpOptions.parse(clause(sql).options(), CatalystSqlParser$.MODULE$);
  }

  @Test
  void optionsHaveDefaultsAndChecks() {
    DpOptions o = options("SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 2) 1");
    assertThat(o.epsilon()).isEqualTo(2.0);
    assertThat(o.delta()).isEqualTo(0.0);
    assertThat(o.maxGroupsContributed()).isEqualTo(1);
    assertThat(o.maxContributionsPerGroup()).isEqualTo(1);
    assertThat(o.noise()).isEqualTo(NoiseKind.LAPLACE);
    assertThat(o.noiseColumns()).isTrue();
    DpOptions all =
        options(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0.25, delta = 1e-6,"
                + " max_groups_contributed = 5, max_contributions_per_group = 3,"
                + " privacy_unit_column = user_id, noise = 'Gaussian', noise_columns = false) 1");
    assertThat(all.delta()).isEqualTo(1e-6);
    assertThat(all.maxGroupsContributed()).isEqualTo(5);
    assertThat(all.maxContributionsPerGroup()).isEqualTo(3);
    assertThat(all.privacyUnitColumn().get()).isEqualTo("user_id");
    assertThat(all.noise()).isEqualTo(NoiseKind.GAUSSIAN);
    assertThat(all.noiseColumns()).isFalse();
  }

  @Test
  void badOptionsAreRefusedNamingTheOptionAndRange() {
    String[][] cases = {
      {"delta = 0.1", "epsilon is required"},
      {"epsilon = 0", "epsilon must be finite and > 0"},
      {"epsilon = -1", "epsilon must be finite and > 0"},
      {"epsilon = 'x'", "epsilon must be a number"},
      {"epsilon = 1, delta = 1", "delta must be in [0, 1)"},
      {"epsilon = 1, delta = -0.5", "delta must be in [0, 1)"},
      {"epsilon = 1, max_groups_contributed = 0", "max_groups_contributed must be an integer"},
      {"epsilon = 1, max_contributions_per_group = 1.5", "max_contributions_per_group must be"},
      {"epsilon = 1, noise = 'uniform'", "noise must be 'laplace', 'gaussian' or 'auto'"},
      {"epsilon = 1, noise_columns = 1", "noise_columns must be true or false"},
      {"epsilon = 1, epsilon = 2", "epsilon is given twice"},
      {"epsilon = 1, budget = 3", "unknown option 'budget'"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> options("SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (" + c[0] + ") 1"))
          .as(c[0])
          .isInstanceOf(DpSqlException.class)
          .hasMessageContaining(c[1]);
    }
  }
}
