import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.DeltaEvent;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PureDpEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.SelfComposedEvent;
import org.privspark.core.accounting.ZcdpEvent;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.ReleaseDetails;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * Writes the legacy ledger fixtures of dp-core/src/test/resources/legacy-ledgers with the writer of
 * the base commit 70184fe (costs rounded to nearest, format versions 1 and 2). Run it against that
 * commit's classes, never today's (see README.md):
 *
 * <pre>
 *   java -cp BASE_CLASSES:DEPS MakeLegacyLedgers.java OUT_DIR
 * </pre>
 *
 * Each ledger gets DIR/ledger (the ledger), DIR/key (the private signer key: a test fixture),
 * DIR/key.pub and DIR/key.openings (the holder's detail and cost openings).
 */
public class MakeLegacyLedgers {
  /**
   * One entry per kind of event, with parameters whose base-commit cost lies below (or, for the
   * discrete Gaussian, above) today's rounded-up cost at one or more orders.
   */
  static final List<Spend> SPENDS = List.of(
      new Spend("private-aggregation", new LaplaceEvent(10.0, 1.0), "count by region"),
      new Spend("private-aggregation", new GaussianEvent(4.11, 3.0), "sum of purchases"),
      new Spend("manual", new PureDpEvent(0.7), "a survey answer released by hand"),
      new Spend("private-aggregation", new DiscreteLaplaceEvent(10.0, 3.0), "histogram of ages"),
      new Spend("private-aggregation", new DiscreteGaussianEvent(16.0, 7.0), "counts over 7 columns"),
      new Spend("dp-sgd", new SampledGaussianEvent(256.0 / 60000, 1.1, 1200), "a model of 60000 rows"),
      new Spend("private-aggregation", ComposedEvent.of(new LaplaceEvent(4.0, 1.0), new DiscreteGaussianEvent(3.8, 5.0),
          new ZcdpEvent(0.01), new DeltaEvent(1e-9)), "a query with partition selection"),
      new Spend("kmeans", new SelfComposedEvent(new DiscreteGaussianEvent(40.0, 1.0), 50), "50 k-means steps"),
      new Spend("manual", new ZcdpEvent(0.025), "a zCDP release"));

  record Spend(String mechanism, PrivacyEvent event, String query) {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    write(out.resolve("transparent-v1"), "legacy.privspark.test/transparent-v1", LedgerGenesis.TRANSPARENT);
    write(out.resolve("confidential-v2"), "legacy.privspark.test/confidential-v2", LedgerGenesis.CONFIDENTIAL);
  }

  static void write(Path dir, String origin, String mode) throws Exception {
    if (Files.exists(dir)) {
      throw new IllegalArgumentException(dir + " exists; the fixtures are written once");
    }
    Path key = dir.resolve("key");
    NoteSigner signer = NoteSigner.generate(origin);
    KeyFiles.write(key, signer);
    OpeningStore openings = OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key)));
    Ledger ledger = Ledger.create(new LocalDirectoryStore(dir.resolve("ledger")), origin, mode, 20.0, 1e-5,
        OrderGrid.defaults(), signer, openings);
    for (Spend s : SPENDS) {
      ledger.append(s.mechanism(), s.event(), ReleaseDetails.describing(s.query()));
      FixedPointCost c = FixedPointCost.of(s.event(), OrderGrid.defaults());
      System.out.println(mode + " " + s.event() + ": rdp[0] = " + c.rdp()[0] + ", pure = " + c.pureEpsilon());
    }
    System.out.println(mode + ": " + ledger.entries() + " entries, spent " + ledger.spent());
  }
}
