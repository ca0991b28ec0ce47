package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.privspark.cli.PrivSparkCli;
import org.privspark.core.ledger.merkle.MerkleVerifier;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteVerifier;
import org.privspark.core.ledger.note.SignedNotes;
import picocli.CommandLine;

/**
 * What the job tests share: one local session, the Adult data, in-process runs of jobs and of the
 * CLI.
 */
public final class JobFixture {
  /** The Adult training split in data/adult: 32,561 people, one per row. */
  public static final String ADULT =
      Path.of("../data/adult/adult.data").toAbsolutePath().normalize().toString();

  static final long ADULT_ROWS = 32_561;

  /**
   * Its columns as the jobs' --schema takes them, named as examples' AdultData names them (the
   * file's header has hyphens and spaces; this module cannot depend on examples).
   */
  static final String ADULT_SCHEMA =
      "age INT, workclass STRING, fnlwgt INT, education STRING, education_num INT, marital_status"
          + " STRING, occupation STRING, relationship STRING, race STRING, sex STRING, capital_gain"
          + " INT, capital_loss INT, hours_per_week INT, native_country STRING, income STRING";

  /** The 16 values of education, as documented with the data set (public knowledge). */
  static final List<String> EDUCATION =
      List.of(
          "Bachelors",
          "Some-college",
          "11th",
          "HS-grad",
          "Prof-school",
          "Assoc-acdm",
          "Assoc-voc",
          "9th",
          "7th-8th",
          "12th",
          "Masters",
          "1st-4th",
          "10th",
          "Doctorate",
          "5th-6th",
          "Preschool");

  static final ObjectMapper JSON = new ObjectMapper();

  private static SparkSession spark;

  private JobFixture() {}

  public static synchronized SparkSession spark() {
    // Another test class may have stopped the JVM's active session (getOrCreate hands it out).
    if (spark == null || spark.sparkContext().isStopped()) {
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("privspark-jobs-test")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .getOrCreate();
    }
    return spark;
  }

  /** One run of a job or the CLI, with what it printed. */
  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @FunctionalInterface
  interface Job {
    int run(SparkSession spark, PrintWriter out, PrintWriter err, String... args);
  }

  static Run job(Job job, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        job.run(
            spark(),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            args.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * The Spark jobs started on the shared session while {@code body} runs (a job reads data: none
   * means no row, and no header line, was read). Waits for the listener bus before and after.
   */
  static int sparkJobsDuring(Runnable body) throws java.util.concurrent.TimeoutException {
    org.apache.spark.SparkContext sc = spark().sparkContext();
    java.util.concurrent.atomic.AtomicInteger jobs =
        new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener counter =
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
            jobs.incrementAndGet();
          }
        };
    sc.listenerBus().waitUntilEmpty();
    sc.addSparkListener(counter);
    try {
      body.run();
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(counter);
    }
    return jobs.get();
  }

  /** {@code privspark ARGS} in-process, as dp-core's CLI tests run it. */
  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine c = new CommandLine(new PrivSparkCli());
    c.setOut(new PrintWriter(out, true));
    c.setErr(new PrintWriter(err, true));
    int exit = c.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * {@code privspark audit verify LEDGER --public-key KEY.pub --json}, which must pass; its report.
   */
  public static JsonNode auditVerifies(Path ledger, Path pub) throws IOException {
    Run r = cli("audit", "verify", ledger.toString(), "--public-key", pub.toString(), "--json");
    assertThat(r.exit()).as(r.all()).isZero();
    JsonNode report = JSON.readTree(r.out());
    assertThat(report.get("intact").asBoolean()).isTrue();
    return report;
  }

  /** The names of the ledger's entry files (none if there is no ledger). */
  static List<String> entries(Path ledger) throws IOException {
    Path dir = ledger.resolve("entries");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  /** A fixed 32-byte release secret, as 64 hex digits. */
  static Path secretFile(Path dir, int seed) throws IOException {
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed * 31 + i * 7);
    }
    Path f = dir.resolve("release-" + seed + ".secret");
    Files.writeString(f, HexFormat.of().formatHex(b) + "\n");
    return f;
  }

  static Path educationGroups(Path dir) throws IOException {
    Path f = dir.resolve("education.csv");
    List<String> lines = new ArrayList<>(List.of("education"));
    lines.addAll(EDUCATION);
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  /** The data files of a result directory, concatenated in name order (Spark's part files). */
  static String resultText(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      StringBuilder b = new StringBuilder();
      for (Path p :
          s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
        b.append(Files.readString(p));
      }
      return b.toString();
    }
  }

  /**
   * Checks a receipt file: its inclusion proof leads from its leaf to the root of its checkpoint,
   * signed by pub.
   */
  static JsonNode receiptVerifies(Path receipt, Path pub) throws Exception {
    JsonNode r = JSON.readTree(receipt.toFile());
    JsonNode e = r.get("entry");
    NoteVerifier key = NoteVerifier.parse(Files.readString(pub).strip());
    Checkpoint cp =
        Checkpoint.parse(
            SignedNotes.open(e.get("checkpoint").asText(), (Collection<NoteVerifier>) List.of(key))
                .text());
    List<byte[]> path = new ArrayList<>();
    e.get("inclusion").get("path").forEach(h -> path.add(HexFormat.of().parseHex(h.asText())));
    MerkleVerifier.verifyInclusion(
        e.get("inclusion").get("leafIndex").asLong(),
        cp.size(),
        HexFormat.of().parseHex(e.get("leafHash").asText()),
        path,
        cp.rootHash());
    assertThat(e.get("inclusion").get("treeSize").asLong()).isEqualTo(cp.size());
    return r;
  }
}
