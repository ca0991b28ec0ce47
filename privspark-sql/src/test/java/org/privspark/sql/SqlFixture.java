package org.privspark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.noise.Secret;

/**
 * What the SQL tests share: one classic {@code local[2]} session per test JVM, built with {@code
 * PrivSparkExtensions} and {@code spark.privspark.ledger.key}; a temporary warehouse; ledgers made
 * with dp-core's API; private tables over synthetic visits, their public twin and a public table of
 * countries. Test classes never stop the session.
 *
 * <p>Tables (all in {@link #DATABASE}, the session's current database):
 *
 * <ul>
 *   <li>{@code visits}: private (unit column {@code user_id}, unit {@code person}), ledger {@link
 *       #visitsLedger()} with a large budget;
 *   <li>{@code visits_small}: the same rows, private, ledger {@link #smallLedger()} with a budget
 *       of ε = 1, for over-budget tests;
 *   <li>{@code visits_other}: the same rows, private, another ledger ({@link #otherLedger()});
 *   <li>{@code visits_public}: the same rows, public: positive controls;
 *   <li>{@code countries}: public, {@code code} and {@code name}; {@link #EMPTY_COUNTRY} has no
 *       visits.
 * </ul>
 *
 * <p>The extension is {@link TestSecretExtensions}, loaded by name: its release secrets come from
 * {@link #withReleaseSecrets}, which tests may set for one call.
 */
public final class SqlFixture {
  /** The unit the ledgers protect and the private tables' column identifies. */
  public static final String UNIT = "person";

  public static final List<String> COUNTRIES = List.of("CH", "DE", "FR", "IT");

  /** Listed in {@code countries}, with no visit: an empty public group. */
  public static final String EMPTY_COUNTRY = "XX";

  public static final List<String> DAYS = List.of("2026-12-01", "2026-12-02", "2026-12-03");

  /** The most visits one user makes (in total, so also per group). */
  public static final int MAX_VISITS = 4;

  static final String VISITS_SCHEMA = "user_id STRING, day STRING, country STRING, amount DOUBLE";

  private static final String KEY_NAME = "privspark.test/sql";

  /** The database of the tables below. */
  public static final String DATABASE = "privspark_sql_test";

  /** One synthetic visit: a user lives in one country and visits up to 4 times. */
  public record Visit(String userId, String day, String country, double amount) {}

  private static final AtomicReference<Supplier<Secret>> SECRETS = TestSecretExtensions.secrets();

  private static SparkSession spark;
  private static Path root;
  private static Path key;
  private static Path visitsLedger;
  private static Path smallLedger;
  private static Path otherLedger;
  private static List<Visit> visits;

  private SqlFixture() {}

  /** The shared session, with the tables and ledgers of this class. */
  public static synchronized SparkSession spark() {
    if (spark != null && !spark.sparkContext().isStopped()) {
      return spark;
    }
    try {
      root = Files.createTempDirectory("privspark-sql-test");
      key = root.resolve("keys/ledger.key");
      NoteSigner signer = NoteSigner.generate(KEY_NAME);
      KeyFiles.write(key, signer);
      visitsLedger = createLedger(signer, "visits", 1000.0, 1e-3);
      smallLedger = createLedger(signer, "small", 1.0, 1e-6);
      otherLedger = createLedger(signer, "other", 1000.0, 1e-3);
      visits = generate();
      SparkSession.Builder b =
          SparkSession.builder()
              .appName("privspark-sql-tests")
              .master("local[2]")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.sql.warehouse.dir", root.resolve("warehouse").toUri().toString())
              .config("spark.sql.extensions", TestSecretExtensions.class.getName())
              .config("spark.privspark.ledger.key", key.toString());
      // Another session in this JVM (another class's) would be handed out instead.
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      spark = b.getOrCreate();
      spark.conf().set("spark.privspark.ledger.key", key.toString());
      // Our tables live in a database of their own, and our session is not handed out by
      // getOrCreate: a test class that builds its own session (on the same SparkContext) and
      // creates tables named as ours, or stops it, does not disturb these tests or theirs.
      spark.sql("CREATE DATABASE IF NOT EXISTS " + DATABASE);
      spark.sql("USE " + DATABASE);
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      createTables();
      return spark;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the extension takes its release secrets from {@link #withReleaseSecrets}. */
  public static boolean secretInjectable() {
    return true;
  }

  /**
   * Runs {@code body} with the extension's release secrets taken from {@code secrets}; fresh ones
   * again afterwards.
   */
  public static <T> T withReleaseSecrets(Supplier<Secret> secrets, Supplier<T> body) {
    spark();
    SECRETS.set(secrets);
    try {
      return body.get();
    } finally {
      SECRETS.set(Secret::generate);
    }
  }

  /** A fixed release secret made from {@code seed} (tests only). */
  public static Secret fixedSecret(int seed) {
    byte[] b = new byte[Secret.LENGTH];
    new Random(seed * 7919L + 16).nextBytes(b);
    return Secret.fromBytes(b);
  }

  private static Path createLedger(NoteSigner signer, String name, double eps, double delta) {
    Path dir = root.resolve("ledgers/" + name);
    Ledger.create(
        new LocalDirectoryStore(dir),
        signer.name(),
        eps,
        delta,
        OrderGrid.defaults(),
        PrivacyUnit.of(UNIT, "one person, identified by user_id"),
        signer,
        OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key))));
    return dir;
  }

  /** 150 users, 1 to 4 visits each, amounts in [0, 100): the same every run. */
  private static List<Visit> generate() {
    Random r = new Random(16);
    List<Visit> out = new ArrayList<>();
    for (int u = 0; u < 150; u++) {
      String country = COUNTRIES.get(u % COUNTRIES.size());
      int n = 1 + r.nextInt(MAX_VISITS);
      for (int i = 0; i < n; i++) {
        double amount = Math.round(r.nextDouble() * 10_000) / 100.0;
        out.add(new Visit("u" + u, DAYS.get(r.nextInt(DAYS.size())), country, amount));
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** The raw rows, as generated (for exact values and the DataFrame API; never via a table). */
  public static List<Visit> visits() {
    spark();
    return visits;
  }

  /** The raw rows as a DataFrame built in memory: no catalog table, so no guard. */
  public static Dataset<Row> rawFrame() {
    List<Row> rows = new ArrayList<>();
    for (Visit v : visits()) {
      rows.add(RowFactory.create(v.userId(), v.day(), v.country(), v.amount()));
    }
    return spark().createDataFrame(rows, StructType.fromDDL(VISITS_SCHEMA));
  }

  private static void createTables() throws IOException {
    Dataset<Row> raw = rawFrame();
    for (String t : List.of("visits", "visits_small", "visits_other", "visits_public")) {
      Path data = root.resolve("data/" + t);
      raw.coalesce(2).write().parquet(data.toString());
    }
    createPrivate("visits", visitsLedger);
    createPrivate("visits_small", smallLedger);
    createPrivate("visits_other", otherLedger);
    spark.sql(
        "CREATE TABLE visits_public ("
            + VISITS_SCHEMA
            + ") USING parquet LOCATION '"
            + root.resolve("data/visits_public").toUri()
            + "'");
    List<Row> countries = new ArrayList<>();
    for (String c : COUNTRIES) {
      countries.add(RowFactory.create(c, "country " + c));
    }
    countries.add(RowFactory.create(EMPTY_COUNTRY, "nowhere"));
    spark
        .createDataFrame(
            countries,
            new StructType().add("code", DataTypes.StringType).add("name", DataTypes.StringType))
        .write()
        .saveAsTable("countries");
  }

  private static void createPrivate(String table, Path ledger) {
    spark.sql(
        "CREATE TABLE "
            + table
            + " ("
            + VISITS_SCHEMA
            + ") USING parquet LOCATION '"
            + root.resolve("data/" + table).toUri()
            + "' TBLPROPERTIES ('privspark.privacy_unit'='user_id',"
            + " 'privspark.privacy_unit_name'='"
            + UNIT
            + "', 'privspark.ledger'='"
            + ledger
            + "')");
  }

  /**
   * Writes the rows to a new parquet directory and creates a public table over it: for tests that
   * mark a table private themselves.
   */
  public static String newPublicTable(String table) {
    Path data = root().resolve("data/" + table);
    rawFrame().coalesce(1).write().parquet(data.toString());
    spark()
        .sql(
            "CREATE TABLE "
                + table
                + " ("
                + VISITS_SCHEMA
                + ") USING parquet LOCATION '"
                + data.toUri()
                + "'");
    return table;
  }

  /** The TBLPROPERTIES clause body that makes a table private, charged to {@code ledger}. */
  public static String privateProperties(Path ledger) {
    return "'privspark.privacy_unit'='user_id', 'privspark.privacy_unit_name'='"
        + UNIT
        + "', 'privspark.ledger'='"
        + ledger
        + "'";
  }

  public static Path root() {
    spark();
    return root;
  }

  public static Path key() {
    spark();
    return key;
  }

  public static Path visitsLedger() {
    spark();
    return visitsLedger;
  }

  public static Path smallLedger() {
    spark();
    return smallLedger;
  }

  public static Path otherLedger() {
    spark();
    return otherLedger;
  }

  /** The number of entries in a ledger (its entry files). */
  public static int entries(Path ledger) {
    Path dir = ledger.resolve("entries");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return (int) s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Entry {@code seq} (1-based) of a ledger, decoded. */
  public static LedgerEntry entry(Path ledger, long seq) {
    try {
      return LedgerEntry.decode(Files.readAllBytes(ledger.resolve(LedgerEntry.path(seq))), seq);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What {@link #observe} saw: Spark jobs started, and entries appended to each watched ledger. */
  public record Observed(int jobs, List<Integer> appended, Throwable thrown) {
    public int appendedTotal() {
      return appended.stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * Runs {@code body} and counts the Spark jobs started on the shared session meanwhile, and the
   * entries appended to {@code ledgers} (all private tables' ledgers if none given); what it threw
   * is returned, not rethrown.
   */
  public static Observed observe(Runnable body, Path... ledgers) {
    SparkContext sc = spark().sparkContext();
    List<Path> watched =
        ledgers.length > 0 ? List.of(ledgers) : List.of(visitsLedger, smallLedger, otherLedger);
    List<Integer> before = watched.stream().map(SqlFixture::entries).toList();
    AtomicInteger jobs = new AtomicInteger();
    SparkListener counter =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            jobs.incrementAndGet();
          }
        };
    Throwable thrown = null;
    waitForListeners(sc);
    sc.addSparkListener(counter);
    try {
      body.run();
    } catch (Throwable t) { // what the statement threw is the observation
      thrown = t;
    } finally {
      waitForListeners(sc);
      sc.removeSparkListener(counter);
    }
    List<Integer> appended = new ArrayList<>();
    for (int i = 0; i < watched.size(); i++) {
      appended.add(entries(watched.get(i)) - before.get(i));
    }
    return new Observed(jobs.get(), appended, thrown);
  }

  private static void waitForListeners(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty();
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code t} is an instance of the class named {@code className} (by reflection). */
  public static boolean isA(Throwable t, String className) {
    try {
      return Class.forName(className).isInstance(t);
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Asserts nothing was charged to any watched ledger and no Spark job ran. */
  public static void assertNothingRanOrCharged(Observed o) {
    assertThat(o.appended()).as("ledger entries appended").allMatch(n -> n == 0);
    assertThat(o.jobs()).as("Spark jobs started").isZero();
  }
}
