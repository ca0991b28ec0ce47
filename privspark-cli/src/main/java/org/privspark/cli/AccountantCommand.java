package org.privspark.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.privspark.core.Check;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.pld.PldAccountant;
import org.privspark.core.accounting.pld.PldSettings;
import org.privspark.core.accounting.pld.PrivacyLossDistribution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code privspark accountant}: what a composition of releases costs, and how much noise to add.
 */
@Command(
    name = "accountant",
    description =
        "Rényi-DP or PLD accounting: ε or δ of a composition of events, and noise calibration.",
    mixinStandardHelpOptions = true,
    subcommands = {
      AccountantCommand.Epsilon.class,
      AccountantCommand.Delta.class,
      AccountantCommand.Calibrate.class
    })
final class AccountantCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Options every accountant subcommand shares. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--orders",
        defaultValue = "default",
        paramLabel = "default|opacus|A1,A2,...",
        description = "Rényi orders to track (default: ${DEFAULT-VALUE}).")
    String orders;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Option(
        names = "--accountant",
        defaultValue = "rdp",
        paramLabel = "rdp|pld",
        description =
            "rdp: Rényi DP on --orders (the default); pld: privacy loss distributions (tighter"
                + " for DP-SGD; default discretisation, --orders ignored).")
    String accountantId;

    Accountant accountant;

    @Override
    public Integer call() {
      try {
        accountant = Accountant.parse(accountantId);
        run(OrderGrid.parse(orders));
        return 0;
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }

    abstract void run(OrderGrid grid);

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    void printJson(Map<String, Object> fields) {
      try {
        out().println(JSON.writeValueAsString(fields));
        out().flush();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    void warnIfEdge(PrivacyGuarantee g) {
      if (g.orderAtGridEdge()) {
        spec.commandLine().getErr().println("warning: " + g.edgeWarning());
        spec.commandLine().getErr().flush();
      }
    }

    /** JSON has no infinities: a missing bound or the pure-DP path prints as null. */
    static Object finiteOrNull(double value) {
      return Double.isFinite(value) ? value : null;
    }
  }

  /**
   * A DP-SGD run given as TF Privacy's compute_dp_sgd_privacy takes it: --dataset-size,
   * --batch-size and --epochs, all three or none.
   */
  static final class DpSgdFlags {
    @Option(
        names = "--dataset-size",
        paramLabel = "N",
        description = "DP-SGD: number of examples N >= 1.")
    Long datasetSize;

    @Option(
        names = "--batch-size",
        paramLabel = "B",
        description = "DP-SGD: (expected) batch size B in [1, N].")
    Long batchSize;

    @Option(
        names = "--epochs",
        paramLabel = "E",
        description = "DP-SGD: epochs E > 0, may be fractional; " + DpSgdSchedule.RULE + ".")
    String epochs;

    boolean anyGiven() {
      return datasetSize != null || batchSize != null || epochs != null;
    }

    /** The schedule, or null when none of the three flags is given. */
    DpSgdSchedule schedule() {
      if (!anyGiven()) {
        return null;
      }
      if (datasetSize == null || batchSize == null || epochs == null) {
        throw new IllegalArgumentException(
            "--dataset-size, --batch-size and --epochs must be given together");
      }
      return DpSgdSchedule.of(datasetSize, batchSize, epochs);
    }
  }

  /**
   * The subcommands that compose a list of events: the EVENTs given, plus one DP-SGD run when its
   * flags are given.
   */
  abstract static class Composing extends Base {
    // Parsed in composed(), not by a picocli converter: with arity 0..* picocli would report a
    // spec that fails to parse as an unmatched argument and drop the reason.
    @Parameters(
        arity = "0..*",
        paramLabel = "EVENT",
        description = "Events to compose: " + EventSpec.SYNTAX)
    List<String> events = new ArrayList<>();

    @Mixin DpSgdFlags dpSgd;

    @Option(
        names = "--noise-multiplier",
        paramLabel = "Z",
        description =
            "DP-SGD: noise multiplier z > 0 (noise std / clipping norm), with --dataset-size,"
                + " --batch-size and --epochs.")
    Double noiseMultiplier;

    /** The DP-SGD run the flags describe, or null; set by {@link #composed}. */
    DpSgdSchedule schedule;

    /** Validates the arguments, then composes the events with the RDP accountant. */
    RdpAccountant composed(OrderGrid grid) {
      RdpAccountant accountant = new RdpAccountant(grid);
      events().forEach(accountant::compose);
      return accountant;
    }

    /** Validates the arguments, then the PLD of the composed events. */
    PrivacyLossDistribution composedPld() {
      List<PrivacyEvent> all = events();
      return PrivacyLossDistribution.of(
          all.size() == 1 ? all.get(0) : new ComposedEvent(all), PldSettings.defaults());
    }

    /** Validates the arguments: the EVENTs, then the DP-SGD run if its flags are given. */
    List<PrivacyEvent> events() {
      schedule = dpSgd.schedule();
      if (schedule == null && noiseMultiplier != null) {
        throw new IllegalArgumentException(
            "--noise-multiplier needs --dataset-size, --batch-size and --epochs");
      }
      if (schedule != null && noiseMultiplier == null) {
        throw new IllegalArgumentException(
            "--noise-multiplier is required with --dataset-size, --batch-size and --epochs");
      }
      if (schedule == null && events.isEmpty()) {
        throw new IllegalArgumentException(
            "give at least one EVENT, or --dataset-size, --batch-size, --epochs and"
                + " --noise-multiplier");
      }
      List<PrivacyEvent> parsed = new ArrayList<>();
      for (String spec : events) {
        try {
          parsed.add(EventSpec.parse(spec));
        } catch (TypeConversionException e) {
          throw new IllegalArgumentException(e.getMessage(), e);
        }
      }
      if (schedule != null) {
        Check.positiveFinite("--noise-multiplier", noiseMultiplier);
        parsed.add(
            new SampledGaussianEvent(
                schedule.sampleRate().upperDouble(), noiseMultiplier, schedule.steps()));
      }
      return parsed;
    }

    /** With DP-SGD flags: the line that shows q and steps, before the human output. */
    void printSchedule() {
      if (schedule != null) {
        out()
            .printf(
                Locale.ROOT,
                "DP-SGD: q = %s, steps = %s = %d, noise multiplier %s%n",
                schedule.sampleRate(),
                schedule.rule(),
                schedule.steps(),
                noiseMultiplier);
      }
    }
  }

  /** With DP-SGD flags: the q (as the accountant took it) and steps, in the JSON output. */
  static void putSchedule(Map<String, Object> fields, DpSgdSchedule schedule) {
    if (schedule != null) {
      fields.put("sampleRate", schedule.sampleRate().upperDouble());
      fields.put("steps", schedule.steps());
    }
  }

  @Command(
      name = "epsilon",
      mixinStandardHelpOptions = true,
      description = {
        "The RDP-based ε of the composed events at total δ (the number the budget filter uses).",
        "With --dataset-size, --batch-size, --epochs and --noise-multiplier, one DP-SGD run is"
            + " composed",
        "with the EVENTs (which may then be omitted), as TF Privacy's compute_dp_sgd_privacy takes"
            + " it."
      })
  static final class Epsilon extends Composing {
    @Option(
        names = "--delta",
        required = true,
        paramLabel = "D",
        description = "Target δ in [0, 1).")
    double delta;

    @Override
    void run(OrderGrid grid) {
      if (accountant == Accountant.PLD) {
        double epsilon = composedPld().epsilon(delta);
        if (json) {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("epsilon", finiteOrNull(epsilon));
          fields.put("delta", delta);
          fields.put("accountant", accountant.id());
          putSchedule(fields, schedule);
          printJson(fields);
        } else {
          printSchedule();
          out()
              .printf(
                  Locale.ROOT, "epsilon = %.6g at delta = %s (PLD accountant)%n", epsilon, delta);
          out().flush();
        }
        return;
      }
      PrivacyGuarantee g = composed(grid).epsilon(delta);
      warnIfEdge(g);
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("epsilon", finiteOrNull(g.epsilon()));
        fields.put("delta", g.delta());
        fields.put("order", finiteOrNull(g.order()));
        putSchedule(fields, schedule);
        printJson(fields);
      } else {
        printSchedule();
        out()
            .printf(
                Locale.ROOT,
                "epsilon = %.6g at delta = %s (%s)%n",
                g.epsilon(),
                g.delta(),
                orderText(g));
        out().flush();
      }
    }
  }

  @Command(
      name = "delta",
      mixinStandardHelpOptions = true,
      description = {
        "The smallest total δ of the composed events at ε.",
        "With --dataset-size, --batch-size, --epochs and --noise-multiplier, one DP-SGD run is"
            + " composed",
        "with the EVENTs (which may then be omitted)."
      })
  static final class Delta extends Composing {
    @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Target ε >= 0.")
    double epsilon;

    @Override
    void run(OrderGrid grid) {
      if (accountant == Accountant.PLD) {
        double delta = composedPld().delta(epsilon);
        if (json) {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("delta", delta);
          fields.put("accountant", accountant.id());
          putSchedule(fields, schedule);
          printJson(fields);
        } else {
          printSchedule();
          out()
              .printf(
                  Locale.ROOT, "delta = %.6g at epsilon = %s (PLD accountant)%n", delta, epsilon);
          out().flush();
        }
        return;
      }
      PrivacyGuarantee g = composed(grid).delta(epsilon);
      warnIfEdge(g);
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("delta", g.delta());
        putSchedule(fields, schedule);
        printJson(fields);
      } else {
        printSchedule();
        out()
            .printf(
                Locale.ROOT,
                "delta = %.6g at epsilon = %s (%s)%n",
                g.delta(),
                g.epsilon(),
                orderText(g));
        out().flush();
      }
    }
  }

  @Command(
      name = "calibrate",
      mixinStandardHelpOptions = true,
      description = {
        "The smallest noise multiplier σ (at sensitivity 1) for a target (ε, δ).",
        "Without DP-SGD flags: one Gaussian release, analytic Gaussian (Balle & Wang 2018).",
        "With --sample-rate and --steps, or with --dataset-size, --batch-size and --epochs (not"
            + " both):",
        "DP-SGD, Poisson-subsampled Gaussian for T steps, by the RDP accountant (or, with"
            + " --accountant pld, by PLD)."
      })
  static final class Calibrate extends Base {
    @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Target ε > 0.")
    double epsilon;

    @Option(
        names = "--delta",
        required = true,
        paramLabel = "D",
        description = "Target δ in (0, 1).")
    double delta;

    @Option(
        names = "--sample-rate",
        paramLabel = "Q",
        description =
            "DP-SGD sampling rate q in (0, 1], a decimal (0.004) or a fraction (256/60000).")
    String sampleRate;

    @Option(names = "--steps", paramLabel = "T", description = "DP-SGD steps >= 1.")
    Long steps;

    @Mixin DpSgdFlags dpSgd;

    @Override
    void run(OrderGrid grid) {
      if ((sampleRate != null || steps != null) && dpSgd.anyGiven()) {
        throw new IllegalArgumentException(
            "give the DP-SGD run either as --sample-rate and --steps,"
                + " or as --dataset-size, --batch-size and --epochs, not both");
      }
      if ((sampleRate == null) != (steps == null)) {
        throw new IllegalArgumentException("--sample-rate and --steps must be given together");
      }
      DpSgdSchedule schedule = dpSgd.schedule();
      SampleRate q =
          schedule != null
              ? schedule.sampleRate()
              : sampleRate != null ? SampleRate.parse("--sample-rate", sampleRate) : null;
      long t = schedule != null ? schedule.steps() : steps != null ? steps : 0;
      double sigma;
      String method;
      if (q == null) {
        sigma = Calibration.analyticGaussianSigma(epsilon, delta, 1.0);
        method = "analytic Gaussian, one release";
        if (accountant == Accountant.PLD) {
          // The σ whose PLD a PLD budget accepts: never below the analytic one (PLD rounds up).
          sigma =
              Calibration.smallestSatisfying(
                  z ->
                      PldAccountant.epsilon(GaussianEvent.withNoiseMultiplier(z), delta) <= epsilon,
                  sigma);
          method = "PLD, one Gaussian release";
        }
      } else {
        double rate = q.upperDouble();
        if (accountant == Accountant.PLD) {
          sigma = PldAccountant.dpSgdNoiseMultiplier(rate, t, epsilon, delta);
        } else {
          sigma = Calibration.dpSgdNoiseMultiplier(rate, t, epsilon, delta, grid);
          // At the grid's edge a wider grid would certify the target with less noise.
          warnIfEdge(
              RdpAccountant.epsilonOf(new SampledGaussianEvent(rate, sigma, t), delta, grid));
        }
        method =
            accountant.id().toUpperCase(Locale.ROOT)
                + ", "
                + t
                + " Poisson-subsampled steps at q="
                + q
                + (schedule != null ? ", steps = " + schedule.rule() : "");
      }
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sigma", sigma);
        if (accountant == Accountant.PLD) {
          fields.put("accountant", accountant.id());
        }
        putSchedule(fields, schedule);
        printJson(fields);
      } else {
        out().printf(Locale.ROOT, "sigma = %.6g (%s)%n", sigma, method);
        out().flush();
      }
    }
  }

  private static String orderText(PrivacyGuarantee g) {
    if (Double.isInfinite(g.order())) {
      return "pure-DP composition";
    }
    return Double.isNaN(g.order()) ? "no order gives a bound" : "optimal order " + g.order();
  }
}
