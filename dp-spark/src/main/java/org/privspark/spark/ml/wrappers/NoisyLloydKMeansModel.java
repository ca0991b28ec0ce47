package org.privspark.spark.ml.wrappers;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * A k-means model fitted by {@link NoisyLloydKMeans}: MLlib's {@link KMeansModel} of the noisy
 * centres, to which {@code transform} delegates (an integer prediction column, as MLlib's), with
 * the fit's {@link WrapperRecord}.
 */
public final class NoisyLloydKMeansModel extends UnitLevelModel<NoisyLloydKMeansModel> {
  private static final long serialVersionUID = 1L;

  private final KMeansModel mllib;

  NoisyLloydKMeansModel(String uid, KMeansModel mllib, WrapperRecord record) {
    super(uid, record);
    this.mllib = mllib;
  }

  /**
   * A copy of the MLlib model, with this model's columns.
   *
   * @return MLlib's own model, holding the noisy parameters
   */
  public KMeansModel mllibModel() {
    return (KMeansModel) configured();
  }

  /** The centres. */
  public Vector[] clusterCenters() {
    return mllib.clusterCenters();
  }

  @Override
  Model<?> mllib() {
    return mllib;
  }

  @Override
  public NoisyLloydKMeansModel copy(ParamMap extra) {
    return copyTo(new NoisyLloydKMeansModel(uid(), mllib, privacyRecord()), extra);
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<NoisyLloydKMeansModel> read() {
    return new Reader<>(
        NoisyLloydKMeansModel.class.getName(),
        (uid, record, path) -> new NoisyLloydKMeansModel(uid, KMeansModel.load(path), record));
  }

  /** Loads what {@code write().save(path)} saved. */
  public static NoisyLloydKMeansModel load(String path) {
    return read().load(path);
  }
}
