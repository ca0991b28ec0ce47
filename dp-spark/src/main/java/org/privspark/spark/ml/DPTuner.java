package org.privspark.spark.ml;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.Check;
import org.privspark.core.accounting.Charge;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivateSelectionEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ClassicSession;
import org.privspark.spark.ml.params.ParamChecks;
import org.privspark.spark.ml.params.PrivacyUnitParams;
import org.privspark.spark.sql.SparkKeys;

/**
 * Private hyperparameter selection for the DP-SGD estimators: picks one point of a grid of params
 * ({@code ParamGridBuilder}) by a noised validation score, and charges the whole search as one
 * ledger entry before any data is read.
 *
 * <p><b>Mechanism.</b> Papernot &amp; Steinke, "Hyperparameter Tuning with Renyi Differential
 * Privacy", ICLR 2022, Theorem 2 with η = 1 (the geometric distribution): K ≥ 1 is drawn with P[K =
 * k] = γ(1 − γ)^(k−1), γ = 1/{@link #expectedRepetitions()}; each of the K repetitions draws one
 * grid point uniformly, trains the estimator with it on the training part and scores the model on
 * the validation part with Laplace noise; only the repetition with the highest noisy score is
 * released (its model, its grid point and its noisy score). K, the other repetitions and which
 * repetition won are never released, logged or saved: the theorem's guarantee is for the best
 * output alone (with K known, the selection would cost up to K runs).
 *
 * <p><b>Cost.</b> One {@link PrivateSelectionEvent} over the candidates' events (each grid point's
 * DP-SGD event composed with the score's Laplace event; equal events counted once), η = 1, γ; its
 * RDP curve is the theorem's bound, rounded up. Charged as one entry, mechanism {@code dp-tuning}.
 * PLD accounting has no bound for it: a PLD budget refuses it before anything is charged.
 *
 * <p><b>The split.</b> A unit is in the validation part when a keyed hash of its id (the normalised
 * unit value; in row-level mode the row's features and label) under the release's secret falls
 * below {@link #validationFraction()}: the side of a unit depends on that unit alone and on no
 * other, so adding or removing one unit changes one part only. The estimator's N ({@code numUnits})
 * is taken as it is: the training part holds about (1 − f)·N units, so with a public N the step's
 * mean gradient is about (1 − f) of its size (a learning-rate factor; q and the cost are
 * unchanged).
 *
 * <p><b>The score.</b> Each validation unit scores the mean over its valid rows (the estimator's
 * per-row rule) of a row score in [0, 1]: for {@link DPLogisticRegression} 1 when the model's
 * prediction equals the label (accuracy), for {@link DPLinearRegression} max(0, 1 − (y − ŷ)²/s²), s
 * = {@link #regressionErrorScale()}; a unit with no valid row scores 0. The sum over the validation
 * units therefore moves by at most 1 when one unit is added or removed (L1 sensitivity 1), and is
 * released with {@link LaplaceMechanism} at ε = {@link #scoreEpsilon()} (noise scale 1/ε). The
 * released score is that noisy sum.
 *
 * <p><b>Order of work.</b> (1) Every candidate's params, its plan and its event are validated, and
 * the unit claims must agree: a failure names the param (and the grid point) and spends nothing.
 * (2) The one event is charged. (3) Only then is data read: the K repetitions run through the
 * estimator's package-private uncharged path ({@code DpSgdEstimator.trainUncharged}), each under
 * its own part of the tuner's release key, so that all the randomness (K, the draws, the split,
 * bounding, sampling and noise) belongs to this one release. Nothing after the charge fails on the
 * data's content.
 *
 * <p><b>Time.</b> The run time grows with K, and K must stay secret: keep the fit's duration as
 * private as the model's inner repetitions (docs/ML.md).
 */
public final class DPTuner extends Estimator<DPTunerModel> {
  private static final long serialVersionUID = 1L;

  /** Mechanism label recorded in the ledger. */
  static final String MECHANISM = "dp-tuning";

  /** The L1 sensitivity of the summed validation score: each unit's score is in [0, 1]. */
  static final double SCORE_SENSITIVITY = 1.0;

  /** The cell of a repetition's part that its score's noise comes from. */
  static final String SCORE_CELL = "tuner/score";

  private final String uid;
  private final Param<DpSgdEstimator<?, ?>> estimator;
  private final Param<ParamMap[]> estimatorParamMaps;
  private final DoubleParam validationFraction;
  private final DoubleParam expectedRepetitions;
  private final DoubleParam scoreEpsilon;
  private final DoubleParam regressionErrorScale;
  private final DoubleParam targetEpsilon;
  private final DoubleParam targetDelta;
  private transient PrivacyBudget budget;
  private transient Secret testSecret;

  public DPTuner() {
    this(Identifiable.randomUID("dpTuner"));
  }

  public DPTuner(String uid) {
    this.uid = uid;
    estimator =
        new Param<>(
            uid,
            "estimator",
            "the DP-SGD estimator to tune (DPLogisticRegression or" + " DPLinearRegression)");
    estimatorParamMaps =
        new Param<>(uid, "estimatorParamMaps", "the grid of params to choose from, >= 1 points");
    validationFraction =
        new DoubleParam(
            uid,
            "validationFraction",
            "the expected fraction of units held out for scoring, in (0, 1)",
            ParamChecks.inOpen("validationFraction", 0, 1));
    expectedRepetitions =
        new DoubleParam(
            uid,
            "expectedRepetitions",
            "E[K], the mean of the geometric number of repetitions (gamma = 1/E[K]), in (1, 1000]",
            ParamChecks.inLeftOpen("expectedRepetitions", 1, MAX_EXPECTED_REPETITIONS));
    scoreEpsilon =
        new DoubleParam(
            uid,
            "scoreEpsilon",
            "the Laplace epsilon of each repetition's validation score (noise scale 1/epsilon on a"
                + " sum of sensitivity 1), in [2^-20, 16]",
            ParamChecks.inClosed("scoreEpsilon", 0x1p-20, 16));
    regressionErrorScale =
        new DoubleParam(
            uid,
            "regressionErrorScale",
            "s in the regression score max(0, 1 - (y - prediction)^2 / s^2), finite and > 0",
            ParamChecks.positiveFinite("regressionErrorScale"));
    targetEpsilon =
        new DoubleParam(
            uid,
            "targetEpsilon",
            "the epsilon of the whole search: one noise multiplier for every grid point is"
                + " calibrated to it (set with targetDelta; overrides the estimator's"
                + " noiseMultiplier and targetEpsilon), finite and > 0",
            ParamChecks.positiveFinite("targetEpsilon"));
    targetDelta =
        new DoubleParam(
            uid,
            "targetDelta",
            "the delta of targetEpsilon, in (0, 1)",
            ParamChecks.inOpen("targetDelta", 0, 1));
    setDefault(validationFraction, 0.2);
    setDefault(expectedRepetitions, 5.0);
    setDefault(scoreEpsilon, 0.1);
    setDefault(regressionErrorScale, 1.0);
  }

  /** The largest {@link #expectedRepetitions()}: the run time grows with it. */
  static final double MAX_EXPECTED_REPETITIONS = 1000;

  @Override
  public String uid() {
    return uid;
  }

  public Param<DpSgdEstimator<?, ?>> estimator() {
    return estimator;
  }

  public Param<ParamMap[]> estimatorParamMaps() {
    return estimatorParamMaps;
  }

  public DoubleParam validationFraction() {
    return validationFraction;
  }

  public DoubleParam expectedRepetitions() {
    return expectedRepetitions;
  }

  public DoubleParam scoreEpsilon() {
    return scoreEpsilon;
  }

  public DoubleParam regressionErrorScale() {
    return regressionErrorScale;
  }

  public DoubleParam targetEpsilon() {
    return targetEpsilon;
  }

  public DoubleParam targetDelta() {
    return targetDelta;
  }

  /**
   * Sets the ε of the whole search (with {@link #setTargetDelta}): the tuner then gives every grid
   * point the one noise multiplier z, the smallest (to a relative 10^-4, from above) for which the
   * search's {@link PrivateSelectionEvent} is (targetEpsilon, targetDelta)-DP by the RDP accountant
   * on the budget's grid; the estimator's own noiseMultiplier, targetEpsilon and targetDelta are
   * overridden.
   *
   * @param value finite and &gt; 0
   * @return this tuner
   */
  public DPTuner setTargetEpsilon(double value) {
    set(targetEpsilon, value);
    return this;
  }

  /**
   * Sets the δ of {@link #setTargetEpsilon}.
   *
   * @param value in (0, 1)
   * @return this tuner
   */
  public DPTuner setTargetDelta(double value) {
    set(targetDelta, value);
    return this;
  }

  /**
   * Sets the estimator to tune; its own budget is not used (the tuner's is).
   *
   * @param value a DPLogisticRegression or DPLinearRegression
   * @return this tuner
   */
  public DPTuner setEstimator(DpSgdEstimator<?, ?> value) {
    set(estimator, value);
    return this;
  }

  /**
   * Sets the grid, e.g. {@code new ParamGridBuilder().addGrid(lr.learningRate(), new double[]
   * {...}).build()}.
   *
   * @param value the grid points, at least one
   * @return this tuner
   */
  public DPTuner setEstimatorParamMaps(ParamMap[] value) {
    set(estimatorParamMaps, value);
    return this;
  }

  /**
   * Sets the expected fraction of units held out for scoring (default 0.2).
   *
   * @param value in (0, 1)
   * @return this tuner
   */
  public DPTuner setValidationFraction(double value) {
    set(validationFraction, value);
    return this;
  }

  /**
   * Sets E[K], the mean number of repetitions (default 5): γ = 1/E[K].
   *
   * @param value in (1, 1000]
   * @return this tuner
   */
  public DPTuner setExpectedRepetitions(double value) {
    set(expectedRepetitions, value);
    return this;
  }

  /**
   * Sets the Laplace ε of each repetition's score (default 0.1).
   *
   * @param value in [2^-20, 16]
   * @return this tuner
   */
  public DPTuner setScoreEpsilon(double value) {
    set(scoreEpsilon, value);
    return this;
  }

  /**
   * Sets s of the regression score (default 1.0; DPLinearRegression only).
   *
   * @param value finite and &gt; 0
   * @return this tuner
   */
  public DPTuner setRegressionErrorScale(double value) {
    set(regressionErrorScale, value);
    return this;
  }

  /**
   * The budget the fit charges, once (required; not a param, not saved).
   *
   * @param value the budget; a ledger's budget records the search as one entry
   * @return this tuner
   */
  public DPTuner setBudget(PrivacyBudget value) {
    this.budget = value;
    return this;
  }

  public PrivacyBudget getBudget() {
    return budget;
  }

  /**
   * For seeded tests only: the release's secret instead of a fresh one, so that K, the draws, the
   * split and the noise are reproducible. A budget refuses its release id a second time.
   */
  DPTuner withReleaseSecretForTests(Secret secret) {
    this.testSecret = secret;
    return this;
  }

  /** One grid point, validated and planned. */
  record Candidate(
      int index,
      ParamMap params,
      DpSgdEstimator<?, ?> estimator,
      DpSgdEstimator.Prepared prepared,
      PrivacyEvent event) {}

  /** What step 1 worked out: everything the charge and the run need, all public. */
  record Plan(
      List<Candidate> candidates,
      PrivateSelectionEvent event,
      UnitClaim claim,
      double epsilon,
      double delta,
      LaplaceMechanism score) {}

  /**
   * Step 1 of {@code fit}: validates every grid point and plans the search; reads no data and
   * charges nothing.
   *
   * @param dataset the input (its schema and plan are analysed; nothing is run)
   * @return the plan
   */
  Plan plan(Dataset<?> dataset) {
    if (budget == null) {
      throw new IllegalStateException(
          "DPTuner " + uid + ": budget must be set before fit (setBudget(PrivacyBudget))");
    }
    if (!isDefined(estimator)) {
      throw new IllegalArgumentException(
          "estimator must be set (a DPLogisticRegression or DPLinearRegression); got none");
    }
    DpSgdEstimator<?, ?> base = $(estimator);
    if (!(base instanceof DPLogisticRegression) && !(base instanceof DPLinearRegression)) {
      throw new IllegalArgumentException(
          "estimator must be a DPLogisticRegression or DPLinearRegression; got "
              + base.getClass().getName());
    }
    if (!isDefined(estimatorParamMaps) || $(estimatorParamMaps).length == 0) {
      throw new IllegalArgumentException(
          "estimatorParamMaps must hold at least one ParamMap (ParamGridBuilder.build()); got"
              + " none");
    }
    ParamMap[] grid = $(estimatorParamMaps);
    LaplaceMechanism score =
        LaplaceMechanism.builder()
            .epsilon((Double) $(scoreEpsilon))
            .l1Sensitivity(SCORE_SENSITIVITY)
            .build();
    boolean calibrating = isSet(targetEpsilon) || isSet(targetDelta);
    if (calibrating && !(isSet(targetEpsilon) && isSet(targetDelta))) {
      throw new IllegalArgumentException(
          "targetEpsilon and targetDelta must be set together; got "
              + (isSet(targetEpsilon) ? "targetEpsilon only" : "targetDelta only"));
    }
    List<Candidate> candidates = new ArrayList<>();
    UnitClaim claim = null;
    PrivacyUnitParams.Resolved unit = null;
    for (int i = 0; i < grid.length; i++) {
      if (grid[i] == null) {
        throw new IllegalArgumentException("estimatorParamMaps[" + i + "] must not be null");
      }
      DpSgdEstimator<?, ?> c = base.copy(grid[i]);
      c.setBudget(budget);
      if (calibrating) {
        // A placeholder z for planning q and the steps; replaced by the calibrated one below.
        c.clear(c.targetEpsilon());
        c.clear(c.targetDelta());
        c.setNoiseMultiplier(1.0);
      }
      DpSgdEstimator.Prepared prepared;
      try {
        prepared = c.prepare(dataset);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException(
            "estimatorParamMaps[" + i + "] " + grid[i] + ": " + e.getMessage(), e);
      }
      if (i == 0) {
        claim = prepared.claim();
        unit = prepared.unit();
      } else if (!java.util.Objects.equals(claim, prepared.claim())
          || !sameUnitSettings(unit, prepared.unit())) {
        throw new IllegalArgumentException(
            "estimatorParamMaps["
                + i
                + "] must keep the privacy unit settings of the first grid point (privacyUnit,"
                + " privacyUnitCol, rowIsUnit, maxRowsPerUnit: the validation split and the"
                + " score are per unit of the first point); got "
                + describe(prepared.unit())
                + " and "
                + describe(unit));
      }
      candidates.add(
          new Candidate(i, grid[i], c, prepared, prepared.plan().event().and(score.event())));
    }
    budget.checkClaim(claim);
    if (calibrating) {
      double z = calibrate(candidates, score);
      List<Candidate> at = new ArrayList<>();
      for (Candidate c : candidates) {
        c.estimator().setNoiseMultiplier(z);
        DpSgdEstimator.Prepared prepared = c.estimator().prepare(dataset);
        at.add(
            new Candidate(
                c.index(),
                c.params(),
                c.estimator(),
                prepared,
                prepared.plan().event().and(score.event())));
      }
      candidates = at;
    }
    PrivateSelectionEvent event = selection(candidates.stream().map(Candidate::event).toList());
    double delta =
        calibrating ? (Double) $(targetDelta) : candidates.get(0).prepared().plan().delta();
    double epsilon = RdpAccountant.epsilonOf(event, delta, budget.grid()).epsilon();
    return new Plan(candidates, event, claim, epsilon, delta, score);
  }

  /** The selection over the distinct events (equal events cost the same: the max needs one). */
  private PrivateSelectionEvent selection(List<PrivacyEvent> events) {
    return PrivateSelectionEvent.geometric(
        new ArrayList<>(new LinkedHashSet<>(events)), (Double) $(expectedRepetitions));
  }

  /**
   * The smallest z (to a relative 10^-4, from above) for which the selection over the candidates at
   * z meets (targetEpsilon, targetDelta); every z tried keeps each candidate's q, steps and N.
   */
  private double calibrate(List<Candidate> candidates, LaplaceMechanism score) {
    double epsilon = (Double) $(targetEpsilon);
    double delta = (Double) $(targetDelta);
    java.util.function.DoublePredicate meets =
        z -> {
          List<PrivacyEvent> events = new ArrayList<>();
          for (Candidate c : candidates) {
            DpSgdPlan p = c.prepared().plan();
            DpSgdPlan atZ =
                new DpSgdPlan(
                    p.sampleRate(),
                    z,
                    p.clipNorm(),
                    p.epochs(),
                    p.stepsPerEpoch(),
                    p.steps(),
                    delta,
                    p.grid(),
                    p.numUnits(),
                    p.numUnitsNoiseStd());
            events.add(atZ.event().and(score.event()));
          }
          return RdpAccountant.epsilonOf(selection(events), delta, budget.grid()).epsilon()
              <= epsilon;
        };
    double hi = 1;
    for (int i = 0; !meets.test(hi); i++) {
      hi *= 2;
      if (i > 20) {
        // z = 2^20 is the Gaussian mechanism's limit (2^19) and beyond.
        throw new IllegalArgumentException(
            "targetEpsilon must be reachable by the search at targetDelta "
                + delta
                + " with a noise multiplier below 2^19 (lower expectedRepetitions or scoreEpsilon,"
                + " or raise targetEpsilon); got "
                + epsilon);
      }
    }
    double lo = hi / 2;
    while (lo > 0x1p-20 && meets.test(lo)) {
      hi = lo;
      lo /= 2;
    }
    while (hi - lo > 1e-4 * hi) {
      double mid = Math.sqrt(lo * hi);
      if (meets.test(mid)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  @Override
  public DPTunerModel fit(Dataset<?> dataset) {
    ClassicSession.require("dataset", dataset, "DPTuner.fit");
    // 1. Validate every candidate and plan: nothing read, nothing spent.
    Plan plan = plan(dataset);
    DpSgdEstimator<?, ?> first = plan.candidates().get(0).estimator();
    PrivacyUnitParamsView units = PrivacyUnitParamsView.of(plan.candidates().get(0).prepared());
    String stage = "DPTuner " + uid;
    // 2. One charge for the whole search.
    Secret secret = testSecret != null ? testSecret : Secret.generate();
    Charge charge =
        budget.charge(
            plan.event(),
            plan.claim(),
            MECHANISM,
            String.format(
                Locale.ROOT,
                "%s: %s over %d grid points, E[K]=%s (geometric), validationFraction=%s,"
                    + " scoreEpsilon=%s, features=%s, label=%s, %s",
                stage,
                first.getClass().getSimpleName(),
                plan.candidates().size(),
                $(expectedRepetitions),
                $(validationFraction),
                $(scoreEpsilon),
                first.featuresColName(),
                first.labelColName(),
                plan.candidates().get(0).prepared().unitText()),
            secret.releaseId());
    ReleaseKey key = ReleaseKey.of(secret, charge.releaseId());
    PrivacyRecord.Unit provenance =
        new PrivacyRecord.Unit(
            units.unit(),
            units.rowIsUnit(),
            units.maxRowsPerUnit(),
            charge.ledgerOrigin(),
            charge.ledgerIndex());
    // 3. Read the data; nothing from here on names a value of it, or K.
    return DataPhase.run(stage, () -> search(dataset, plan, key, provenance));
  }

  /** Step 3: the K repetitions, after the charge. */
  private DPTunerModel search(
      Dataset<?> dataset, Plan plan, ReleaseKey key, PrivacyRecord.Unit provenance) {
    List<Candidate> candidates = plan.candidates();
    DpSgdEstimator.Prepared prepared0 = candidates.get(0).prepared();
    Column validation = inValidation(dataset, candidates.get(0), key);
    Dataset<?> training = dataset.where(org.apache.spark.sql.functions.not(validation));
    Dataset<?> held = dataset.where(validation);
    long repetitions = SelectionLoop.repetitions(key, 1 / (Double) $(expectedRepetitions));
    SelectionLoop.Chosen<DpSgdModel<?>> chosen =
        SelectionLoop.run(
            key,
            repetitions,
            candidates.size(),
            (index, part) -> {
              Candidate c = candidates.get(index);
              DpSgdModel<?> model =
                  c.estimator()
                      .trainUncharged(training, c.prepared(), part, provenance, plan.epsilon());
              double exact = scoreSum(held, c, model, prepared0.unit());
              double noisy =
                  plan.score().release(exact, KeyedStreamSource.forCell(part, SCORE_CELL)).value();
              return new SelectionLoop.Scored<>(model, noisy);
            });
    Candidate bestCandidate = candidates.get(chosen.candidate());
    DpSgdModel<?> best = chosen.output();
    double bestScore = chosen.score();
    return new DPTunerModel(
            uid + "_model",
            best,
            bestCandidate.params(),
            bestCandidate.index(),
            bestScore,
            plan.event(),
            plan.epsilon(),
            plan.delta(),
            provenance)
        .setParent(this);
  }

  /** The validation side of each row: a keyed hash of its unit, below the fraction. */
  private Column inValidation(Dataset<?> dataset, Candidate c, ReleaseKey key) {
    Column salt = lit(Arrays.copyOf(key.derive("tuner/split"), 8));
    PrivacyUnitParamsView units = PrivacyUnitParamsView.of(c.prepared());
    Column hash;
    if (units.rowIsUnit()) {
      hash =
          xxhash64(
              salt,
              vector_to_array(col(c.estimator().featuresColName()), "float64"),
              col(c.estimator().labelColName()));
    } else {
      String unitCol = c.prepared().unit().column();
      hash =
          xxhash64(
              salt,
              SparkKeys.normalised(
                  col(unitCol),
                  dataset.schema().apply(unitCol).dataType(),
                  SparkKeys.Icu.COLLATION_KEY));
    }
    long scale = 1L << 30;
    long threshold = (long) Math.floor((Double) $(validationFraction) * scale);
    return pmod(hash, lit(scale)).lt(lit(threshold));
  }

  /** The exact sum of per-unit scores over the validation part: private until noised. */
  private double scoreSum(
      Dataset<?> held,
      Candidate c,
      DpSgdModel<?> model,
      org.privspark.spark.ml.params.PrivacyUnitParams.Resolved unit) {
    DpSgdEstimator<?, ?> e = c.estimator();
    RowScore rowScore =
        new RowScore(
            model, c.prepared().dimension(), e.labelRule(), (Double) $(regressionErrorScale));
    UserDefinedFunction scoreUdf = udf(rowScore, DataTypes.DoubleType);
    Column score =
        scoreUdf.apply(col(e.featuresColName()), col(e.labelColName()).cast(DataTypes.DoubleType));
    Dataset<Row> perUnit;
    if (unit.rowIsUnit()) {
      perUnit = held.select(coalesce(score, lit(0.0)).as("__s"));
    } else {
      Column unitKey =
          SparkKeys.normalised(
              col(unit.column()),
              held.schema().apply(unit.column()).dataType(),
              SparkKeys.Icu.COLLATION_KEY);
      perUnit =
          held.where(col(unit.column()).isNotNull())
              .groupBy(unitKey.as("__u"))
              .agg(coalesce(avg(score), lit(0.0)).as("__s"));
    }
    Row total = perUnit.agg(sum(col("__s"))).head();
    return total.isNullAt(0) ? 0.0 : total.getDouble(0);
  }

  /** One row's score in [0, 1], or null when the per-row rule drops the row. Runs on executors. */
  static final class RowScore implements UDF2<Vector, Double, Double> {
    private static final long serialVersionUID = 1L;
    private final DpSgdModel<?> model;
    private final int dimension;
    private final DpSgdEstimator.LabelRule rule;
    private final boolean classifier;
    private final double scale;

    RowScore(DpSgdModel<?> model, int dimension, DpSgdEstimator.LabelRule rule, double scale) {
      this.model = model;
      this.dimension = dimension;
      this.rule = rule;
      this.classifier = model instanceof DPLogisticRegressionModel;
      this.scale = scale;
    }

    @Override
    public Double call(Vector features, Double label) {
      if (features == null
          || label == null
          || features.size() != dimension
          || !Double.isFinite(label)
          || !rule.accepts(label)) {
        return null;
      }
      if (classifier) {
        return ((DPLogisticRegressionModel) model).predict(features) == label ? 1.0 : 0.0;
      }
      double error = ((DPLinearRegressionModel) model).predict(features) - label;
      double s = 1 - error * error / (scale * scale);
      return s > 0 ? s : 0.0; // NaN (an infinite prediction) scores 0 too
    }
  }

  /** The unit fields of a prepared fit. */
  private record PrivacyUnitParamsView(String unit, boolean rowIsUnit, int maxRowsPerUnit) {
    static PrivacyUnitParamsView of(DpSgdEstimator.Prepared p) {
      return new PrivacyUnitParamsView(
          p.unit().unit(), p.unit().rowIsUnit(), p.unit().maxRowsPerUnit());
    }
  }

  /** The estimator's output schema (each grid point's is checked by {@code fit}). */
  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(estimator)) {
      throw new IllegalArgumentException("estimator must be set; got none");
    }
    return $(estimator).transformSchema(schema);
  }

  @Override
  public DPTuner copy(ParamMap extra) {
    DPTuner to = new DPTuner(uid);
    copyValues(to, extra);
    to.setBudget(budget);
    return to;
  }

  /**
   * The steps ηC of {@link #defaultGrid}: 1 to 64, a factor 4 apart, around the untuned rule's cap
   * {@link DpSgdEstimator#DEFAULT_MAX_STEP} (issue 17's second data set went from AUC 0.66–0.70 at
   * ηC = 4 to 0.91–0.92 at ηC = 32).
   */
  static final double[] DEFAULT_GRID_STEPS = {1, 4, 16, 64};

  /**
   * A small grid over the learning rate for {@code estimator}: η = s/C for the steps s in {1, 4,
   * 16, 64} (C its clipNorm, the initial C₀ with adaptive clipping). The points differ only in η,
   * so they share one privacy event: the search costs one candidate's curve (docs/ML.md, "Private
   * hyperparameter selection"). Use with {@link #setEstimatorParamMaps}.
   *
   * @param estimator the estimator to tune, with its clipNorm set or at its default
   * @return four grid points
   */
  public static ParamMap[] defaultGrid(DpSgdEstimator<?, ?> estimator) {
    Check.notNull("estimator", estimator);
    double c = (Double) estimator.getOrDefault(estimator.clipNorm());
    ParamMap[] grid = new ParamMap[DEFAULT_GRID_STEPS.length];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = new ParamMap().put(estimator.learningRate(), DEFAULT_GRID_STEPS[i] / c);
    }
    return grid;
  }

  /** Whether two grid points bound and group units the same way (params only). */
  private static boolean sameUnitSettings(
      PrivacyUnitParams.Resolved a, PrivacyUnitParams.Resolved b) {
    return java.util.Objects.equals(a.unit(), b.unit())
        && a.rowIsUnit() == b.rowIsUnit()
        && java.util.Objects.equals(a.column(), b.column())
        && a.maxRowsPerUnit() == b.maxRowsPerUnit();
  }

  private static String describe(PrivacyUnitParams.Resolved u) {
    return u.rowIsUnit()
        ? "privacyUnit=" + u.unit() + ", rowIsUnit"
        : "privacyUnit="
            + u.unit()
            + ", privacyUnitCol="
            + u.column()
            + ", maxRowsPerUnit="
            + u.maxRowsPerUnit();
  }
}
