package org.privspark.spark.ml.params;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.ml.param.Param;
import scala.Function1;

/**
 * A Spark ML param holding a list of string lists (for example one public vocabulary per column),
 * saved as a JSON array of arrays (Spark has {@code DoubleArrayArrayParam} but no string one).
 */
public final class StringArrayArrayParam extends Param<String[][]> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  public StringArrayArrayParam(
      String parent, String name, String doc, Function1<String[][], Object> isValid) {
    super(parent, name, doc, isValid);
  }

  @Override
  public String jsonEncode(String[][] value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + name(), e);
    }
  }

  @Override
  public String[][] jsonDecode(String json) {
    try {
      return JSON.readValue(json, String[][].class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          name() + " must be a JSON array of string arrays; got " + json, e);
    }
  }
}
