package org.privspark.spark.ml.wrappers;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.NaiveBayesModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * A naive Bayes model fitted by {@link NoisyCountNaiveBayes}: MLlib's {@link NaiveBayesModel} of
 * the noisy statistics, to which {@code transform} delegates (prediction, probability and raw
 * prediction columns, as MLlib's), with the fit's {@link WrapperRecord}.
 */
public final class NoisyCountNaiveBayesModel
    extends ProbabilisticWrapperModel<NoisyCountNaiveBayesModel> {
  private static final long serialVersionUID = 1L;

  private final NaiveBayesModel mllib;

  NoisyCountNaiveBayesModel(String uid, NaiveBayesModel mllib, WrapperRecord record) {
    super(uid, record);
    this.mllib = mllib;
  }

  /**
   * A copy of the MLlib model, with this model's columns.
   *
   * @return MLlib's own model, holding the noisy parameters
   */
  public NaiveBayesModel mllibModel() {
    return (NaiveBayesModel) configured();
  }

  /**
   * Log class priors π.
   *
   * @return the log class priors
   */
  public Vector pi() {
    return mllib.pi();
  }

  /**
   * Log conditional probabilities θ (K × d).
   *
   * @return the log feature probabilities, one row per class
   */
  public Matrix theta() {
    return mllib.theta();
  }

  /**
   * "multinomial" or "bernoulli".
   *
   * @return the current value, or the default
   */
  public String getModelType() {
    return mllib.getModelType();
  }

  /**
   * K.
   *
   * @return the number of classes
   */
  public int numClasses() {
    return mllib.numClasses();
  }

  /**
   * d.
   *
   * @return the number of features the model expects
   */
  public int numFeatures() {
    return mllib.numFeatures();
  }

  @Override
  Model<?> mllib() {
    return mllib;
  }

  @Override
  public NoisyCountNaiveBayesModel copy(ParamMap extra) {
    return copyTo(new NoisyCountNaiveBayesModel(uid(), mllib, privacyRecord()), extra);
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<NoisyCountNaiveBayesModel> read() {
    return new Reader<>(
        NoisyCountNaiveBayesModel.class.getName(),
        (uid, record, path) ->
            new NoisyCountNaiveBayesModel(uid, NaiveBayesModel.load(path), record));
  }

  /** Loads what {@code write().save(path)} saved. */
  public static NoisyCountNaiveBayesModel load(String path) {
    return read().load(path);
  }
}
