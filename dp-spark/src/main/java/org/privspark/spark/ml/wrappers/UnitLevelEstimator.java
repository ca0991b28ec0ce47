package org.privspark.spark.ml.wrappers;

import java.util.HexFormat;
import java.util.Locale;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.Charge;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ClassicSession;
import org.privspark.spark.ml.PrivateEstimator;
import org.privspark.spark.ml.params.HasPrivacyUnit;
import org.privspark.spark.ml.params.ParamChecks;
import org.privspark.spark.ml.params.PrivacyUnitParams;
import org.privspark.spark.sql.PrivacyUnitKeys;

/**
 * What the four MLlib wrappers share as Spark ML {@link Estimator}s: the params (features and
 * prediction columns, ε, the public dimension, and the privacy-unit params of {@link
 * HasPrivacyUnit}), the budget and release secret, and the order of work of {@link #fit}.
 *
 * <p><b>Order of work.</b> (1) The params are checked against each other and the schema, the fit is
 * planned from the params alone ({@link WrapperPlan}: its mechanisms calibrated for a unit of up to
 * k = {@code maxRowsPerUnit} rows), the unit claim is checked against the budget ({@link
 * PrivacyBudget#checkClaim}) and the bounding plan is analysed: a failure here reads no data and
 * charges nothing. (2) The plan's event is charged once ({@link PrivacyBudget#charge}) under the
 * release id of the fit's secret (given, or fresh). (3) Only then is the data read: each unit is
 * bounded to k rows ({@link UnitRowBound}, keyed by the fit's {@link ReleaseKey}), then the wrapper
 * computes and releases its statistics. Nothing after the charge fails on the data's content, and a
 * failure after it names no value of the data ({@link org.privspark.spark.ml.DataPhase}); the one
 * exception is the logistic wrapper's non-convergence, reported with public parameters only.
 *
 * <p><b>Privacy unit.</b> With {@code privacyUnitCol}, neighbouring data sets differ by one unit
 * with all its rows, and the claim is {@code UnitClaim.perUnit(privacyUnit)}. With {@code rowIsUnit
 * = true}, the caller states that each row is one unit (k = 1, no bounding) and the claim is {@code
 * UnitClaim.rowIsUnit(privacyUnit)}. {@code privacyUnit} may be unset only on a budget that
 * declares no unit (the claim is then null).
 *
 * <p><b>Budget and secret.</b> Neither is a Spark param (they are live state, not settings): set
 * them with {@link #setBudget} and {@link #setReleaseSecret}; {@link #copy} keeps them, so {@code
 * Pipeline.fit} charges the same budget. They are not saved: an estimator read back has none.
 *
 * @param <M> the model
 * @param <S> the concrete estimator, returned by every setter
 * @param <P> the plan of one fit
 */
public abstract class UnitLevelEstimator<
        M extends UnitLevelModel<M>, S extends UnitLevelEstimator<M, S, P>, P extends WrapperPlan>
    extends PrivateEstimator<M, S> {
  private static final long serialVersionUID = 1L;

  private transient Secret releaseSecret;

  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final DoubleParam epsilon;
  private final IntParam numFeatures;

  /** Declares the shared params and their defaults for the stage {@code uid}. */
  protected UnitLevelEstimator(String uid) {
    super(uid);
    featuresCol =
        new Param<>(
            uid,
            "featuresCol",
            "features column name (vectors)",
            ParamChecks.columnName("featuresCol"));
    predictionCol =
        new Param<>(
            uid,
            "predictionCol",
            "prediction column name",
            ParamChecks.columnName("predictionCol"));
    epsilon =
        new DoubleParam(
            uid,
            "epsilon",
            "epsilon of the whole fit, finite and > 0",
            ParamChecks.positiveFinite("epsilon"));
    numFeatures =
        new IntParam(
            uid,
            "numFeatures",
            "the public feature dimension d, in [1, 4096]",
            ParamChecks.intInClosed("numFeatures", 1, WrapperSupport.MAX_FEATURES));
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
  }

  // ---- params (public no-argument accessors: Spark finds params by reflection on these) ----

  /**
   * Features column (vectors of the public dimension); default "features".
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> featuresCol() {
    return featuresCol;
  }

  /**
   * Prediction column the model adds; default "prediction".
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /**
   * ε of the whole fit, finite and &gt; 0 (the class comment says how it is spent). Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam epsilon() {
    return epsilon;
  }

  /**
   * The public feature dimension d (each wrapper states its range). Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public IntParam numFeatures() {
    return numFeatures;
  }

  // ---- setters ----

  /**
   * Sets {@link #featuresCol()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setFeaturesCol(String value) {
    set(featuresCol, value);
    return self();
  }

  /**
   * Sets {@link #predictionCol()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setPredictionCol(String value) {
    set(predictionCol, value);
    return self();
  }

  /**
   * Sets {@link #epsilon()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setEpsilon(double value) {
    set(epsilon, value);
    return self();
  }

  /**
   * Sets {@link #numFeatures()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setNumFeatures(int value) {
    set(numFeatures, value);
    return self();
  }

  /**
   * A release secret: the fit's noise, random initialisation and choice of rows per unit become
   * functions of it (identical when the same fit is re-run from it). Optional: without one, each
   * fit draws a fresh secret. A secret keys one fit: the charge records its release id, and the
   * budget (or its ledger) refuses a later fit keyed by the same secret, by any wrapper, before
   * charging, since it would reuse the same noise. Not a Spark param; never saved.
   */
  public S setReleaseSecret(Secret value) {
    this.releaseSecret = value;
    return self();
  }

  // ---- validation and planning ----

  final double dbl(DoubleParam p) {
    return (Double) $(p);
  }

  final int integer(IntParam p) {
    return (Integer) $(p);
  }

  /**
   * {@code p}'s value; {@link IllegalArgumentException} "{@code p} must be set; got nothing" when
   * unset.
   */
  final <T> T required(Param<T> p) {
    if (!isDefined(p)) {
      throw new IllegalArgumentException(p.name() + " must be set; got nothing");
    }
    return $(p);
  }

  /** The d of {@link #numFeatures()}, required, with the wrapper's upper bound {@code max}. */
  final int dimension(int max) {
    int d = (Integer) required(numFeatures);
    if (d > max) {
      throw new IllegalArgumentException(
          "numFeatures must be in [1, " + max + "] for this wrapper; got " + d);
    }
    return d;
  }

  /**
   * Plans one fit from the params alone, calibrated for a unit of up to {@code k} rows; reads no
   * data. Refuses k &gt; 1 where the wrapper's proof does not extend.
   *
   * @throws IllegalArgumentException naming the first invalid or missing param
   */
  abstract P plan(int k);

  /** The columns of the input the fit reads (features first). */
  abstract String[] inputColumns();

  /** Checks the input columns (types, declared sizes and classes). */
  abstract void checkInput(StructType schema);

  /**
   * Reads the bounded rows (the {@link #inputColumns()}, at most k per unit), releases the
   * statistics with noise keyed by {@code key}, and returns the model. Runs after the charge.
   */
  abstract M train(Dataset<Row> rows, P plan, ReleaseKey key, WrapperRecord record, String stage);

  /**
   * What one fit costs, from the params alone (the unit params included: the sensitivity scales
   * with k); reads no data and charges nothing.
   *
   * @throws IllegalArgumentException naming the first invalid or missing param
   */
  public org.privspark.core.accounting.PrivacyEvent cost() {
    return plan(privacyUnitParams().resolve(null).maxRowsPerUnit()).event();
  }

  /**
   * Validates, plans and checks the claim; charges the budget once; then bounds the units, trains
   * and returns the model (see the class comment for the order and the exceptions).
   *
   * @throws IllegalArgumentException naming the first invalid param or column (nothing charged)
   * @throws UnsupportedOperationException if {@code dataset} belongs to a Spark Connect session
   *     (nothing read or charged; {@link org.privspark.spark.ClassicSession})
   * @throws org.privspark.core.accounting.UnitMismatchException if {@code privacyUnit} is not the
   *     budget's unit, or is unset on a budget that declares one (nothing charged, nothing read)
   * @throws IllegalStateException if no budget is set
   * @throws org.privspark.core.accounting.ReleaseIdReusedException if the release secret keyed a
   *     fit charged to this budget before (nothing charged)
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses (no data
   *     read)
   * @throws org.privspark.spark.ml.FailedAfterChargeException if reading the data fails after the
   *     charge (the budget stays spent; no message of the failure is kept)
   */
  @Override
  public M fit(Dataset<?> dataset) {
    // RDDs, broadcasts and treeAggregate: refused under Spark Connect before anything is read.
    ClassicSession.require("dataset", dataset, getClass().getSimpleName() + ".fit");
    Dataset<Row> data = dataset.toDF();
    String stage = stageName();
    // 1. Validate and plan: nothing read, nothing charged.
    PrivacyBudget budget = requireBudget();
    PrivacyUnitParams.Resolved units = privacyUnitParams().resolve(data.schema());
    P plan = plan(units.maxRowsPerUnit());
    transformSchema(data.schema());
    if (units.column() != null) {
      String problem =
          PrivacyUnitKeys.problem(
              "privacyUnitCol", units.column(), data.schema().apply(units.column()).dataType());
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
    UnitClaim claim = claim(units);
    budget.checkClaim(claim);
    Secret secret = releaseSecret != null ? releaseSecret : Secret.generate();
    // Analysed here (Spark analyses eagerly), so a bad plan fails before the charge.
    rows(data, units, ReleaseKey.of(secret, secret.releaseId()));
    // 2. Charge once.
    String description =
        plan.description()
            + String.format(
                Locale.ROOT,
                ", unit=%s, %s",
                units.unit() == null ? "(undeclared)" : units.unit(),
                units.rowIsUnit() ? "row is unit" : "maxRowsPerUnit=" + units.maxRowsPerUnit());
    Charge charge =
        budget.charge(plan.event(), claim, plan.mechanism(), description, secret.releaseId());
    ReleaseKey key = ReleaseKey.of(secret, charge.releaseId());
    WrapperRecord record =
        new WrapperRecord(
            plan.mechanism(),
            WrapperSupport.epsilonOf(plan.event(), plan.delta()),
            plan.delta(),
            HexFormat.of().formatHex(charge.releaseId()),
            charge.ledgerOrigin(),
            charge.ledgerIndex(),
            units.unit(),
            units.rowIsUnit(),
            units.maxRowsPerUnit());
    // 3. Read the data: bound each unit to k rows, then train.
    M model = train(rows(data, units, key), plan, key, record, stage);
    copyValues(model, ParamMap.empty());
    return model.setParent(this);
  }

  /** The input columns, at most k rows per unit (all rows in row-level mode). */
  private Dataset<Row> rows(Dataset<Row> data, PrivacyUnitParams.Resolved units, ReleaseKey key) {
    String[] columns = inputColumns();
    if (units.rowIsUnit()) {
      return data.selectExpr(quoted(columns));
    }
    return UnitRowBound.bound(data, units.column(), units.maxRowsPerUnit(), key, columns);
  }

  private static String[] quoted(String[] columns) {
    String[] out = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      out[i] = "`" + columns[i].replace("`", "``") + "`";
    }
    return out;
  }

  /** Requires {@code column} to be absent from {@code schema} (an output column). */
  static void checkAbsent(StructType schema, String column, String param) {
    for (String name : schema.fieldNames()) {
      if (name.equals(column)) {
        throw new IllegalArgumentException(
            param
                + " must name a column not in the input; got '"
                + column
                + "' (set "
                + param
                + " to another name)");
      }
    }
  }
}
