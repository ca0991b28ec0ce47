package org.privspark.spark.ml;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.spark.ml.params.HasPrivacyUnit;
import org.privspark.spark.ml.params.PrivacyUnitParams;

/**
 * What every private Spark ML estimator of PrivSpark shares, whatever its mechanism (DP-SGD or a DP
 * wrapper of MLlib training): the stage's uid, the privacy-unit params of {@link HasPrivacyUnit}
 * with their setters, the budget each {@code fit} charges, and the unit claim a fit makes.
 * Subclasses add their own params and the order of work of {@code fit}.
 *
 * <p><b>Budget.</b> Not a Spark param: it is live state, not a setting. {@link #copyTo} keeps it,
 * so that {@code Pipeline.fit} and a {@code CrossValidator}'s copies charge the same budget. It is
 * not saved: an estimator read back from disk has none and refuses to fit until one is set.
 *
 * @param <M> the model
 * @param <S> the concrete estimator, returned by every setter
 */
public abstract class PrivateEstimator<M extends Model<M>, S extends PrivateEstimator<M, S>>
    extends Estimator<M> implements HasPrivacyUnit, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final PrivacyUnitParams unitParams;
  private transient PrivacyBudget budget;

  /**
   * Declares the privacy-unit params for the stage {@code uid}.
   *
   * @param uid the stage's unique id
   */
  protected PrivateEstimator(String uid) {
    this.uid = uid;
    this.unitParams = new PrivacyUnitParams(this);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public PrivacyUnitParams privacyUnitParams() {
    return unitParams;
  }

  /**
   * This estimator as its concrete type, for setters.
   *
   * @return {@code this}, typed as the subclass
   */
  @SuppressWarnings("unchecked")
  protected final S self() {
    return (S) this;
  }

  /**
   * Sets {@link #privacyUnit()}: the name of the unit the rows belong to, e.g. "person"; validated
   * at once.
   *
   * @param value the unit's name
   * @return this estimator, for chaining
   */
  public S setPrivacyUnit(String value) {
    set(privacyUnit(), value);
    return self();
  }

  /**
   * Sets {@link #privacyUnitCol()}: the column identifying each row's unit; validated at once.
   *
   * @param value the column's name
   * @return this estimator, for chaining
   */
  public S setPrivacyUnitCol(String value) {
    set(privacyUnitCol(), value);
    return self();
  }

  /**
   * Sets {@link #maxRowsPerUnit()}: k, the most rows one unit contributes, in [1, 2^20].
   *
   * @param value k, in [1, 2^20]
   * @return this estimator, for chaining
   */
  public S setMaxRowsPerUnit(int value) {
    set(maxRowsPerUnit(), value);
    return self();
  }

  /**
   * Sets {@link #rowIsUnit()}: the caller states that each row is one unit (row-level mode).
   *
   * @param value true when each row is one unit
   * @return this estimator, for chaining
   */
  public S setRowIsUnit(boolean value) {
    set(rowIsUnit(), value);
    return self();
  }

  /**
   * The budget every {@code fit} charges (required; not a Spark param, not saved). A budget of a
   * ledger ({@code Ledger.budget()}) records each fit as one entry.
   *
   * @param value the budget; a fit refuses to start without one
   * @return this estimator, for chaining
   */
  public S setBudget(PrivacyBudget value) {
    this.budget = value;
    return self();
  }

  /**
   * The budget {@code fit} charges, or null when none is set.
   *
   * @return the budget, or null
   */
  public PrivacyBudget getBudget() {
    return budget;
  }

  /**
   * "ClassName uid": how messages name this stage.
   *
   * @return the class's simple name and the uid
   */
  protected final String stageName() {
    return getClass().getSimpleName() + " " + uid;
  }

  /**
   * The budget, for a fit about to start.
   *
   * @return the budget set with {@link #setBudget}
   * @throws IllegalStateException if none is set (checked before anything is read or charged)
   */
  protected final PrivacyBudget requireBudget() {
    if (budget == null) {
      throw new IllegalStateException(
          stageName()
              + ": budget must be set before fit (setBudget(PrivacyBudget), e.g. ledger.budget())");
    }
    return budget;
  }

  /**
   * What a fit claims to protect: {@code UnitClaim.perUnit(privacyUnit)} with a unit column, {@code
   * UnitClaim.rowIsUnit(privacyUnit)} in row-level mode, null when privacyUnit is unset (which only
   * a budget with no declared unit accepts).
   *
   * @param units the resolved unit params of a fit
   * @return the claim, or null
   */
  public static UnitClaim claim(PrivacyUnitParams.Resolved units) {
    if (units.unit() == null) {
      return null;
    }
    return units.rowIsUnit() ? UnitClaim.rowIsUnit(units.unit()) : UnitClaim.perUnit(units.unit());
  }

  @Override
  public abstract S copy(ParamMap extra);

  /**
   * For subclasses' {@link #copy}: copies the params and the budget onto {@code to}, and nothing
   * else (a release secret, where a subclass has one, keys one release and is never copied).
   *
   * @param to the new stage
   * @param extra params that override the copied ones
   * @return {@code to}
   */
  protected final S copyTo(S to, ParamMap extra) {
    copyValues(to, extra);
    to.setBudget(budget);
    return to;
  }
}
