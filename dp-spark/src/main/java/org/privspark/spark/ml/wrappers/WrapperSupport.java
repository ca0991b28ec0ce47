package org.privspark.spark.ml.wrappers;

import java.util.Arrays;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.Check;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;

/**
 * What the wrappers share: schema checks (run before any budget is spent), per-row clipping to
 * public bounds (the step that makes the sensitivity hold), the keyed noise source, and the scaling
 * of a per-row sensitivity by k rows per unit. Package-private: not part of the API.
 */
final class WrapperSupport {
  /** Largest feature dimension accepted (keeps the driver-side statistics small). */
  static final int MAX_FEATURES = 4096;

  private WrapperSupport() {}

  /**
   * Requires {@code name} to be a column of ML vectors; if its metadata records a size, that size
   * must be {@code numFeatures} (the public dimension the cost was computed for).
   */
  static void checkVectorColumn(StructType schema, String param, String name, int numFeatures) {
    StructField field = field(schema, param, name);
    if (!(field.dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException(
          param
              + " must name a column of type "
              + new VectorUDT().simpleString()
              + "; got column '"
              + name
              + "' of type "
              + field.dataType().simpleString());
    }
    int size = AttributeGroup.fromStructField(field).size();
    if (size >= 0 && size != numFeatures) {
      throw new IllegalArgumentException(
          "numFeatures must equal the size recorded in the metadata of column '"
              + name
              + "' ("
              + size
              + "); got "
              + numFeatures
              + " (set numFeatures to "
              + size
              + ")");
    }
  }

  /**
   * Requires {@code name} to be a numeric column. If its metadata marks it nominal with a known
   * number of values, that number must be {@code numClasses} (pass 0 to skip the class check).
   */
  static void checkLabelColumn(StructType schema, String param, String name, int numClasses) {
    StructField field = field(schema, param, name);
    DataType type = field.dataType();
    if (!(type instanceof NumericType)) {
      throw new IllegalArgumentException(
          param
              + " must name a numeric column"
              + (numClasses > 0 ? " with values in {0, …, " + (numClasses - 1) + "}" : "")
              + "; got column '"
              + name
              + "' of type "
              + type.simpleString()
              + (numClasses > 0 ? " (index string labels with a public vocabulary first)" : ""));
    }
    if (numClasses > 0) {
      Attribute attr = Attribute.fromStructField(field);
      if (attr instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()) {
        int values = (Integer) nominal.getNumValues().get();
        if (values != numClasses) {
          throw new IllegalArgumentException(
              param
                  + " must have "
                  + numClasses
                  + " classes; got column '"
                  + name
                  + "' whose metadata declares "
                  + values
                  + " classes");
        }
      }
    }
  }

  private static StructField field(StructType schema, String param, String name) {
    Check.notNull(param, name);
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        param
            + " must name a column of the input; got '"
            + name
            + "', columns are "
            + Arrays.toString(schema.fieldNames()));
  }

  /**
   * The features of one row as a dense array of length {@code n}, or null when the vector has
   * another size (such rows are skipped: the public dimension is part of the cost). Non-finite
   * coordinates become 0.
   */
  static double[] dense(Vector v, int n) {
    if (v == null || v.size() != n) {
      return null;
    }
    double[] x;
    if (v instanceof SparseVector s) {
      x = new double[n];
      int[] idx = s.indices();
      double[] val = s.values();
      for (int i = 0; i < idx.length; i++) {
        x[idx[i]] = val[i];
      }
    } else {
      x = v.toArray().clone();
    }
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(x[i])) {
        x[i] = 0;
      }
    }
    return x;
  }

  /** Scales {@code x} in place so that ‖x‖₂ ≤ {@code bound}; returns ‖x‖₂ after scaling. */
  static double clipL2(double[] x, double bound) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    double norm = Math.sqrt(s);
    // The computed norm may be a few ulps below the true one, and the scaled row's norm a few ulps
    // above its target: scale anything within 1e-12 of the bound to 1e-12 inside it.
    if (norm > bound * (1 - 1e-12)) {
      double scale = bound / norm * (1 - 1e-12);
      for (int i = 0; i < x.length; i++) {
        x[i] *= scale;
      }
      return bound;
    }
    return norm;
  }

  /** Scales {@code x} (already ≥ 0) in place so that ‖x‖₁ ≤ {@code bound}. */
  static void clipL1(double[] x, double bound) {
    double s = 0;
    for (double v : x) {
      s += Math.abs(v);
    }
    if (s > bound * (1 - 1e-12)) { // as in clipL2: a margin for rounding
      double scale = bound / s * (1 - 1e-12);
      for (int i = 0; i < x.length; i++) {
        x[i] *= scale;
      }
    }
  }

  /** A label as a finite double, or NaN when the value is null or not finite. */
  static double label(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? d : Double.NaN;
    }
    return Double.NaN;
  }

  /**
   * The noise source of one release step: the keyed stream of the fit's release key at cell {@code
   * "privspark-ml/" + cell} (identical noise on a retried task or a re-run from the same secret).
   */
  static NoiseSource source(ReleaseKey key, String cell) {
    return KeyedStreamSource.forCell(Check.notNull("key", key), "privspark-ml/" + cell);
  }

  /** {@code k·s} rounded up: a sensitivity scaled by k must never be understated. */
  static double timesK(double s, int k) {
    double r = k * s;
    boolean exact =
        new java.math.BigDecimal(r)
                .compareTo(new java.math.BigDecimal(s).multiply(java.math.BigDecimal.valueOf(k)))
            >= 0;
    return exact ? r : Math.nextUp(r);
  }

  /** ε of {@code event} at {@code delta} on the default grid. */
  static double epsilonOf(PrivacyEvent event, double delta) {
    return RdpAccountant.epsilonOf(event, delta, OrderGrid.defaults()).epsilon();
  }
}
