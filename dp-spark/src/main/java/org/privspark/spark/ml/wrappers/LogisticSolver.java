package org.privspark.spark.ml.wrappers;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * The minimiser of {@link OutputPerturbationLogisticRegression}: damped Newton on the sum-form
 * regularised logistic loss F_D(θ) = Σ log(1 + exp(−y θᵀx̃)) + (Λ/2)‖θ‖² over clipped rows, until
 * ‖∇F_D‖ ≤ γ/2 with γ = {@link #GRADIENT_BOUND}·ζ. Reads the (bounded) rows; releases nothing.
 */
final class LogisticSolver {
  /** γ/ζ: the gradient-norm bound of the released solution, relative to ζ. */
  static final double GRADIENT_BOUND = 1e-6;

  private final int numFeatures;
  private final int p;
  private final double maxFeatureNorm;
  private final double regParam;
  private final boolean fitIntercept;
  private final int maxIter;

  LogisticSolver(
      int numFeatures, double maxFeatureNorm, double regParam, boolean fitIntercept, int maxIter) {
    this.numFeatures = numFeatures;
    this.p = numFeatures + (fitIntercept ? 1 : 0);
    this.maxFeatureNorm = maxFeatureNorm;
    this.regParam = regParam;
    this.fitIntercept = fitIntercept;
    this.maxIter = maxIter;
  }

  /** ζ = √(R² + 1) with an intercept, else R: the Lipschitz constant of the per-row loss. */
  double lipschitz() {
    return fitIntercept ? Math.sqrt(maxFeatureNorm * maxFeatureNorm + 1) : maxFeatureNorm;
  }

  /** The message of a fit whose solver did not converge: public parameters only. */
  String notConvergedMessage() {
    return "the solver did not reach ||grad F|| <= "
        + GRADIENT_BOUND * lipschitz() / 2
        + " within maxIter = "
        + maxIter
        + " passes; the model is not released (the budget stays"
        + " spent; raise maxIter or regParam)";
  }

  /**
   * Damped Newton on F_D until ‖∇F‖ ≤ γ/2; returns null if maxIter passes do not get there. Never
   * throws on the data: the Newton system is solved by a Cholesky factorisation whose pivots are
   * floored at Λ (see {@link #newtonStep}).
   */
  double[] minimise(JavaRDD<Row> rows) {
    double gammaHalf = GRADIENT_BOUND * lipschitz() / 2;
    double[] theta = new double[p];
    double[] s = pass(rows, theta); // [loss, grad(p), upper Hessian]
    for (int iter = 0; iter < maxIter; iter++) {
      double[] grad = gradient(s, theta);
      if (norm(grad) <= gammaHalf) {
        return theta;
      }
      double[] step = newtonStep(s, grad);
      double f = objective(s, theta);
      double t = 1;
      double slope = 0;
      for (int i = 0; i < p; i++) {
        slope += grad[i] * step[i]; // < 0: step is a descent direction
      }
      while (true) {
        double[] candidate = new double[p];
        for (int i = 0; i < p; i++) {
          candidate[i] = theta[i] + t * step[i];
        }
        double[] cs = pass(rows, candidate);
        iter++;
        // Armijo: sufficient decrease, else halve the step (each trial is one pass, counted).
        if (objective(cs, candidate) <= f + 1e-4 * t * slope || t < 1e-10) {
          theta = candidate;
          s = cs;
          break;
        }
        if (iter >= maxIter) {
          break;
        }
        t /= 2;
      }
    }
    return norm(gradient(s, theta)) <= gammaHalf ? theta : null;
  }

  private double objective(double[] s, double[] theta) {
    return s[0] + regParam / 2 * dot(theta, theta);
  }

  private double[] gradient(double[] s, double[] theta) {
    double[] g = new double[p];
    for (int i = 0; i < p; i++) {
      g[i] = s[1 + i] + regParam * theta[i];
    }
    return g;
  }

  /**
   * The Newton direction −(H + ΛI)⁻¹∇F, by a Cholesky factorisation H + ΛI = LLᵀ (H from its upper
   * triangle in {@code s}). In exact arithmetic every pivot (a diagonal entry of a Schur complement
   * of H + ΛI ⪰ ΛI) is at least Λ; rounding can push one below, even to 0 or less, when H is
   * ill-conditioned. Such a pivot is raised to Λ, so the factorisation never fails and LLᵀ stays
   * positive definite: the direction is still one of descent, and the line search and the stopping
   * rule decide the rest (the released θ̂ is judged by ‖∇F(θ̂)‖ alone).
   */
  double[] newtonStep(double[] s, double[] grad) {
    double[][] l = new double[p][p];
    int k = 1 + p;
    double[][] h = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = i; j < p; j++) {
        h[i][j] = s[k];
        h[j][i] = s[k];
        k++;
      }
      h[i][i] += regParam;
    }
    for (int j = 0; j < p; j++) {
      double pivot = h[j][j];
      for (int m = 0; m < j; m++) {
        pivot -= l[j][m] * l[j][m];
      }
      l[j][j] = Math.sqrt(pivot >= regParam ? pivot : regParam); // also catches a NaN pivot
      for (int i = j + 1; i < p; i++) {
        double v = h[i][j];
        for (int m = 0; m < j; m++) {
          v -= l[i][m] * l[j][m];
        }
        l[i][j] = v / l[j][j];
      }
    }
    double[] y = new double[p]; // L y = −∇F
    for (int i = 0; i < p; i++) {
      double v = -grad[i];
      for (int m = 0; m < i; m++) {
        v -= l[i][m] * y[m];
      }
      y[i] = v / l[i][i];
    }
    double[] x = new double[p]; // Lᵀ x = y
    for (int i = p - 1; i >= 0; i--) {
      double v = y[i];
      for (int m = i + 1; m < p; m++) {
        v -= l[m][i] * x[m];
      }
      x[i] = v / l[i][i];
    }
    return x;
  }

  /** One pass: Σ loss, Σ ∇ℓ and the upper triangle of Σ ∇²ℓ at θ, over clipped rows. */
  private double[] pass(JavaRDD<Row> rows, double[] theta) {
    int d = numFeatures;
    int pp = p;
    boolean intercept = fitIntercept;
    double r = maxFeatureNorm;
    double[] th = theta.clone();
    Function2<double[], Row, double[]> add =
        (acc, row) -> {
          double label = WrapperSupport.label(row.get(1));
          double[] x = WrapperSupport.dense((Vector) row.get(0), d);
          if (!(label == 0 || label == 1) || x == null) {
            return acc; // dropped by a per-row rule
          }
          WrapperSupport.clipL2(x, r);
          double[] xt = intercept ? Arrays.copyOf(x, pp) : x;
          if (intercept) {
            xt[d] = 1;
          }
          double y = label == 1 ? 1 : -1;
          double margin = y * dot(th, xt);
          // log(1 + e^{-m}) without overflow; σ(−m) = 1/(1 + e^{m})
          acc[0] +=
              margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin));
          double sig = 1 / (1 + Math.exp(margin));
          for (int i = 0; i < pp; i++) {
            acc[1 + i] += -y * sig * xt[i];
          }
          double w = sig * (1 - sig);
          int k = 1 + pp;
          for (int i = 0; i < pp; i++) {
            double wi = w * xt[i];
            for (int j = i; j < pp; j++) {
              acc[k++] += wi * xt[j];
            }
          }
          return acc;
        };
    Function2<double[], double[], double[]> merge =
        (a, c) -> {
          for (int i = 0; i < a.length; i++) {
            a[i] += c[i];
          }
          return a;
        };
    return rows.treeAggregate(new double[1 + pp + pp * (pp + 1) / 2], add, merge, 2);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }
}
