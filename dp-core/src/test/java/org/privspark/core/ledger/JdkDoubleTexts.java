package org.privspark.core.ledger;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Child JVM main: prints {@code feature=<the JDK's feature release>}, then, for {@code count}
 * doubles drawn from {@code seed}, one line each: the bits in hex and the JDK's {@code
 * Double.toString}. On JDK 19 and later that is the text docs/LEDGER-FORMAT.md §3.1 defines.
 */
public final class JdkDoubleTexts {
  private JdkDoubleTexts() {}

  public static void main(String[] args) {
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[0]));
    int count = Integer.parseInt(args[1]);
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII)));
    out.println("feature=" + Runtime.version().feature());
    for (int i = 0; i < count; i++) {
      double v;
      do {
        v =
            switch (i % 4) {
              case 0 -> Double.longBitsToDouble(random.nextLong());
              case 1 -> Double.longBitsToDouble(random.nextLong() & 0x800fffffffffffffL);
              case 2 ->
                  Double.parseDouble(random.nextInt(1_000_000) + "e" + (random.nextInt(640) - 330));
              default -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
            };
      } while (!Double.isFinite(v));
      out.println(Long.toHexString(Double.doubleToRawLongBits(v)) + " " + v);
    }
    out.flush();
  }
}
