import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.privspark.core.accounting.ComposedEvent;
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

/**
 * Measures how far the ledger costs of the base commit (70184fe, rounded to nearest) lie below
 * today's (rounded up), for docs/LEDGER-FORMAT.md §9.1's tolerance. Not part of the build.
 *
 * <pre>
 *   java -cp BASE_CLASSES:DEPS CostDump.java dump usual|extreme SEED COUNT &gt; old.txt
 *   java -cp NEW_CLASSES:DEPS  CostDump.java dump usual|extreme SEED COUNT &gt; new.txt
 *   java -cp NEW_CLASSES:DEPS  CostDump.java compare old.txt new.txt
 *   java -cp NEW_CLASSES:DEPS  CostDump.java outside old.txt new.txt K SHIFT
 * </pre>
 *
 * The events are drawn from a seeded java.util.Random (a measurement, no released noise), so both
 * runs see the same events; each line holds one event's costs on each grid.
 */
public class CostDump {
  static final List<OrderGrid> GRIDS = List.of(OrderGrid.defaults(), OrderGrid.opacus(),
      OrderGrid.of(1.0001, 1.01, 1.25, 2, 3, 17, 100, 1000, 4096),
      OrderGrid.of(1e4 + 0.5, 1e6, 1e9, 1e12, 0x1p40, 0x1p52));
  // The subsampled Gaussian's series at an integer order α has α terms: not on the "huge" grid.
  static final String[] GRID_NAMES = {"default", "opacus", "wide", "huge"};

  public static void main(String[] a) throws IOException {
    if (a[0].equals("dump")) {
      dump(a[1].equals("usual"), Long.parseLong(a[2]), Integer.parseInt(a[3]));
    } else if (a[0].equals("outside")) {
      outside(Path.of(a[1]), Path.of(a[2]), Long.parseLong(a[3]), Integer.parseInt(a[4]));
    } else {
      compare(Path.of(a[1]), Path.of(a[2]));
    }
  }

  /** A log-uniform double in [2^lo, 2^hi). */
  static double logUniform(Random r, double lo, double hi) {
    return Math.pow(2, lo + (hi - lo) * r.nextDouble());
  }

  /** Parameters as the SDK's releases and DP-SGD use them. */
  static PrivacyEvent usual(String kind, Random r, int depth) {
    switch (kind) {
      case "laplace": {
        double sensitivity = logUniform(r, -10, 20);
        return new LaplaceEvent(sensitivity / logUniform(r, -13.3, 4.4), sensitivity);
      }
      case "gaussian": {
        double sensitivity = logUniform(r, -10, 20);
        return new GaussianEvent(sensitivity * logUniform(r, -3.3, 13.3), sensitivity);
      }
      case "discrete-gaussian": {
        int sensitivity = 1 + r.nextInt(1 << r.nextInt(14));
        return new DiscreteGaussianEvent(Math.max(1, sensitivity * logUniform(r, -3.3, 13.3)), sensitivity);
      }
      case "discrete-laplace": {
        int sensitivity = 1 + r.nextInt(1 << r.nextInt(14));
        return new DiscreteLaplaceEvent(Math.ceil(sensitivity / logUniform(r, -13.3, 4.4)), sensitivity);
      }
      case "pure": return new PureDpEvent(logUniform(r, -13.3, 4.4));
      case "zcdp": return new ZcdpEvent(logUniform(r, -20, 3.3));
      case "sampled-gaussian": {
        double q = r.nextInt(3) == 0 ? (1 << r.nextInt(12)) / 60000.0 : logUniform(r, -17, -2.3);
        double z = r.nextInt(3) == 0 ? 1.1 : logUniform(r, -1.7, 3.3);
        long steps = (long) logUniform(r, 0, 23);
        return new SampledGaussianEvent(q, z, steps);
      }
      case "self-composed": {
        String[] inner = {"laplace", "gaussian", "discrete-gaussian", "zcdp", "discrete-laplace"};
        return new SelfComposedEvent(usual(inner[r.nextInt(inner.length)], r, depth + 1), 1 + (long) logUniform(r, 0, 17));
      }
      case "composed": {
        String[] inner = {"laplace", "gaussian", "pure", "zcdp", "discrete-laplace", "discrete-gaussian",
            "sampled-gaussian", depth < 2 ? "self-composed" : "pure", depth < 2 ? "composed" : "zcdp"};
        int n = 1 + r.nextInt(8);
        List<PrivacyEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          events.add(usual(inner[r.nextInt(inner.length)], r, depth + 1));
        }
        return new ComposedEvent(events);
      }
      default: throw new IllegalStateException(kind);
    }
  }

  /** Parameters far beyond usual use (tiny and huge epsilons, sample rates up to 1). */
  static PrivacyEvent extreme(String kind, Random r, int depth) {
    switch (kind) {
      case "laplace": return new LaplaceEvent(logUniform(r, -20, 30), logUniform(r, -10, 10));
      case "gaussian": return new GaussianEvent(logUniform(r, -12, 30), logUniform(r, -10, 10));
      case "discrete-gaussian": return new DiscreteGaussianEvent(logUniform(r, -2, 30), 1 + r.nextInt(1 << 16));
      case "discrete-laplace": return new DiscreteLaplaceEvent(1 + r.nextInt(1 << 24), 1 + r.nextInt(1 << 12));
      case "pure": return new PureDpEvent(logUniform(r, -40, 12));
      case "zcdp": return new ZcdpEvent(logUniform(r, -40, 12));
      case "sampled-gaussian": {
        double q = r.nextInt(4) == 0 ? 256.0 / 60000 : logUniform(r, -24, 0);
        double z = r.nextInt(4) == 0 ? 1.1 : logUniform(r, -2, 7);
        long steps = r.nextInt(3) == 0 ? 1 + r.nextInt(100) : (long) logUniform(r, 0, 30);
        return new SampledGaussianEvent(q, z, steps);
      }
      case "self-composed": {
        String[] inner = {"laplace", "gaussian", "pure", "zcdp", "discrete-laplace", "sampled-gaussian"};
        return new SelfComposedEvent(extreme(inner[r.nextInt(inner.length)], r, depth + 1), 1 + (long) logUniform(r, 0, 40));
      }
      case "composed": {
        String[] inner = {"laplace", "gaussian", "pure", "zcdp", "discrete-laplace", "discrete-gaussian",
            "sampled-gaussian", depth < 2 ? "self-composed" : "pure", depth < 2 ? "composed" : "zcdp"};
        int n = 1 + r.nextInt(6);
        List<PrivacyEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          events.add(extreme(inner[r.nextInt(inner.length)], r, depth + 1));
        }
        return new ComposedEvent(events);
      }
      default: throw new IllegalStateException(kind);
    }
  }

  static final String[] KINDS = {"laplace", "gaussian", "discrete-gaussian", "discrete-laplace", "pure", "zcdp",
      "sampled-gaussian", "self-composed", "composed"};

  static void dump(boolean usual, long seed, int count) {
    Random r = new Random(seed);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    for (int i = 0; i < count; i++) {
      String kind = KINDS[i % KINDS.length];
      StringBuilder line = new StringBuilder(kind);
      PrivacyEvent e;
      try {
        e = usual ? usual(kind, r, 0) : extreme(kind, r, 0);
      } catch (RuntimeException ex) {
        out.println(line.append("\tERR-event ").append(ex.getMessage()));
        continue;
      }
      for (OrderGrid grid : GRIDS) {
        line.append('\t');
        if (grid == GRIDS.get(3) && e.toString().contains("SampledGaussianEvent")) {
          line.append("SKIP");
          continue;
        }
        try {
          FixedPointCost c = FixedPointCost.of(e, grid);
          for (long v : c.rdp()) {
            line.append(v).append(',');
          }
          line.append(';').append(c.pureEpsilon()).append(';').append(Double.doubleToLongBits(c.delta()));
        } catch (RuntimeException ex) {
          line.append("ERR");
        }
      }
      out.println(line.append('\t').append(e));
    }
    out.flush();
  }

  /** Per kind and value type: the largest new − old, the largest (new − old)/new, and what K must be. */
  static void compare(Path oldFile, Path newFile) throws IOException {
    TreeMap<String, long[]> stats = new TreeMap<>(); // count, max diff, K needed, negatives, infinity changes
    TreeMap<String, Double> maxRel = new TreeMap<>();
    TreeMap<String, String> worst = new TreeMap<>();
    long lines = 0, errOnlyOld = 0, errOnlyNew = 0, eventsDiffering = 0;
    try (BufferedReader o = Files.newBufferedReader(oldFile); BufferedReader n = Files.newBufferedReader(newFile)) {
      for (String lo = o.readLine(), ln = n.readLine(); lo != null && ln != null; lo = o.readLine(), ln = n.readLine()) {
        lines++;
        String[] fo = lo.split("\t", -1), fn = ln.split("\t", -1);
        if (fo[1].startsWith("ERR-event") || fn[1].startsWith("ERR-event")) {
          if (!fo[1].startsWith("ERR-event")) errOnlyNew++;
          else if (!fn[1].startsWith("ERR-event")) errOnlyOld++;
          continue;
        }
        boolean differs = false;
        for (int g = 0; g < GRID_NAMES.length; g++) {
          String co = fo[1 + g], cn = fn[1 + g];
          if (co.equals("SKIP")) {
            continue;
          }
          if (co.equals("ERR") || cn.equals("ERR")) {
            if (!co.equals(cn)) { if (co.equals("ERR")) errOnlyOld++; else errOnlyNew++; }
            continue;
          }
          String[] po = co.split(";"), pn = cn.split(";");
          String[] ro = po[0].split(","), rn = pn[0].split(",");
          String kind = fo[0] + "/" + GRID_NAMES[g];
          for (int i = 0; i < ro.length; i++) {
            differs |= record(stats, maxRel, worst, kind + "/rdp", Long.parseLong(ro[i]), Long.parseLong(rn[i]), fo[fo.length - 1]);
          }
          differs |= record(stats, maxRel, worst, kind + "/pure", Long.parseLong(po[1]), Long.parseLong(pn[1]), fo[fo.length - 1]);
          if (!po[2].equals(pn[2])) {
            stats.computeIfAbsent(kind + "/delta", k -> new long[5])[3]++;
            differs = true;
          }
        }
        if (differs) eventsDiffering++;
      }
    }
    System.out.printf("events %d, differing %d, failing only in the old code %d, only in the new %d%n",
        lines, eventsDiffering, errOnlyOld, errOnlyNew);
    System.out.printf("%-42s %9s %12s %12s %6s %8s %6s%n", "kind/grid/value", "values", "max new-old", "max rel", "K", "new<old", "inf");
    for (var e : stats.entrySet()) {
      long[] s = e.getValue();
      System.out.printf("%-42s %9d %12d %12.3e %6d %8d %6d%n", e.getKey(), s[0], s[1],
          maxRel.getOrDefault(e.getKey(), 0.0), s[2], s[3], s[4]);
    }
    System.out.println("worst relative:");
    worst.forEach((k, v) -> System.out.println("  " + k + ": " + v));
  }

  static final long INFINITE = Long.MAX_VALUE;

  /** Every value whose old cost lies outside [new − max(k, ceil(new·2^−shift)), new], with its order. */
  static void outside(Path oldFile, Path newFile, long k, int shift) throws IOException {
    try (BufferedReader o = Files.newBufferedReader(oldFile); BufferedReader n = Files.newBufferedReader(newFile)) {
      for (String lo = o.readLine(), ln = n.readLine(); lo != null && ln != null; lo = o.readLine(), ln = n.readLine()) {
        String[] fo = lo.split("\t", -1), fn = ln.split("\t", -1);
        if (fo[1].startsWith("ERR-event") || fn[1].startsWith("ERR-event")) {
          continue;
        }
        for (int g = 0; g < GRID_NAMES.length; g++) {
          String co = fo[1 + g], cn = fn[1 + g];
          if (co.equals("SKIP") || co.equals("ERR") || cn.equals("ERR")) {
            continue;
          }
          String[] po = co.split(";"), pn = cn.split(";");
          String[] ro = po[0].split(","), rn = pn[0].split(",");
          for (int i = 0; i <= ro.length; i++) {
            long old = Long.parseLong(i < ro.length ? ro[i] : po[1]);
            long now = Long.parseLong(i < ro.length ? rn[i] : pn[1]);
            long tol = Math.max(k, (now >>> shift) + ((now & ((1L << shift) - 1)) != 0 ? 1 : 0));
            if (old > now || old < now - tol) {
              System.out.println(fo[0] + "\t" + GRID_NAMES[g] + "\t" + (i < ro.length ? "rdp@" + GRIDS.get(g).order(i) : "pure")
                  + "\t" + old + "\t" + now + "\t" + (now - old) + "\t" + fo[fo.length - 1]);
            }
          }
        }
      }
    }
  }

  static boolean record(TreeMap<String, long[]> stats, TreeMap<String, Double> maxRel, TreeMap<String, String> worst,
      String key, long old, long now, String event) {
    long[] s = stats.computeIfAbsent(key, k -> new long[5]);
    s[0]++;
    if (old == now) {
      return false;
    }
    if (old == INFINITE || now == INFINITE) {
      s[4]++;
      worst.merge(key + " (infinity)", old + " -> " + now + " " + event, (x, y) -> x);
      return true;
    }
    long d = now - old;
    if (d < 0) {
      s[3]++;
      worst.merge(key + " (new<old)", old + " -> " + now + " " + event, (x, y) -> x);
      return true;
    }
    s[1] = Math.max(s[1], d);
    // ceil(now * 2^-20)
    long relTol = (now >>> 20) + ((now & ((1 << 20) - 1)) != 0 ? 1 : 0);
    if (d > relTol) {
      s[2] = Math.max(s[2], d);
    }
    double rel = (double) d / now;
    if (rel > maxRel.getOrDefault(key, 0.0)) {
      maxRel.put(key, rel);
      worst.put(key, old + " -> " + now + " " + event);
    }
    return true;
  }
}
