package org.privspark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.privspark.core.ledger.Receipt;

/**
 * Where a job's results go: {@code OUTPUT/<name>/} holds one result (one CSV or Parquet file, rows
 * sorted by the group keys, so that two releases with the same secret are byte-identical), and
 * {@code OUTPUT/<name>.receipt.json} its receipt. Both are written through Hadoop's file system
 * API, so OUTPUT may be any Hadoop URI.
 */
final class JobOutput {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final Path dir;
  private final String format;

  JobOutput(SparkSession spark, String dir, String format) {
    this.spark = spark;
    this.dir = new Path(dir);
    this.format = format;
  }

  Path resultPath(String name) {
    return new Path(dir, name);
  }

  Path receiptPath(String name) {
    return new Path(dir, name + ".receipt.json");
  }

  /** Refuses (IllegalArgumentException) if a result or receipt of these names exists already. */
  void requireAbsent(List<String> names) {
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (String name : names) {
        for (Path p : List.of(resultPath(name), receiptPath(name))) {
          if (fs.exists(p)) {
            throw new IllegalArgumentException(
                "--output "
                    + dir
                    + " already holds "
                    + p.getName()
                    + "; choose a new output directory (results are never overwritten)");
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--output " + dir + " cannot be checked: " + e.getMessage(), e);
    }
  }

  /**
   * Writes one result as a single file sorted by {@code keys}; CSV gets array columns (quantiles)
   * as JSON text. Returns the number of rows written (read back from the output).
   */
  long writeResult(String name, Dataset<Row> result, List<String> keys) {
    Dataset<Row> out = result;
    if (format.equals("csv")) {
      List<Column> cols = new ArrayList<>();
      for (StructField f : result.schema().fields()) {
        cols.add(
            f.dataType() instanceof ArrayType
                ? to_json(col(f.name())).as(f.name())
                : col(f.name()));
      }
      out = result.select(cols.toArray(Column[]::new));
    }
    out = out.repartition(1);
    if (!keys.isEmpty()) {
      out = out.sortWithinPartitions(keys.stream().map(k -> col(k)).toArray(Column[]::new));
    }
    String path = resultPath(name).toString();
    out.write().format(format).option("header", "true").save(path);
    return spark.read().format(format).option("header", "true").load(path).count();
  }

  private String qualified(Path p) {
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration())
          .makeQualified(p)
          .toString();
    } catch (IOException e) {
      return p.toString();
    }
  }

  /**
   * Writes a receipt: the ledger entry's inclusion proof and checkpoint, with what was released.
   */
  void writeReceipt(String name, Receipt receipt, Map<String, Object> release) {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", "privspark-receipt-v1");
    o.put("result", qualified(resultPath(name)));
    ObjectNode r = o.putObject("release");
    release.forEach((k, v) -> r.set(k, JSON.valueToTree(v)));
    ObjectNode e = o.putObject("entry");
    e.put("index", receipt.index());
    e.put("leafHash", HexFormat.of().formatHex(receipt.leafHash()));
    ObjectNode inclusion = e.putObject("inclusion");
    inclusion.put("leafIndex", receipt.inclusion().leafIndex());
    inclusion.put("treeSize", receipt.inclusion().treeSize());
    ArrayNode path = inclusion.putArray("path");
    receipt.inclusion().path().forEach(h -> path.add(HexFormat.of().formatHex(h)));
    e.put("checkpoint", receipt.checkpoint());
    Path p = receiptPath(name);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream s = fs.create(p, false)) {
        s.write(JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8));
        s.write('\n');
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the receipt " + p, ex);
    }
  }
}
