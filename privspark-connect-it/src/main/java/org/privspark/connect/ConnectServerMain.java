package org.privspark.connect;

import java.io.IOException;
import java.io.InputStream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import scala.Option;

/**
 * A Spark Connect server for tests: a classic session with the Spark conf given as {@code
 * -Dspark.*} system properties (the extension, the ledger key, the master), Spark's own {@link
 * SparkConnectService} on {@code spark.connect.grpc.binding.address}/{@code port}, and a line
 * {@value #READY} followed by the bound port on standard output once clients can connect.
 *
 * <p>The server stops when its standard input ends: the process that started it keeps the pipe
 * open, so the server dies with its parent even when the parent is killed and cannot stop it. This
 * is what Spark's own {@code SparkConnectServer} main lacks for tests.
 */
public final class ConnectServerMain {
  /** The line's prefix that tells the parent the server listens; the port follows it. */
  public static final String READY = "PRIVSPARK-CONNECT-READY";

  private ConnectServerMain() {}

  /**
   * Starts the server, prints the ready line, and serves until standard input ends.
   *
   * @param args none; the configuration comes from {@code -Dspark.*} system properties
   * @throws IOException if standard input cannot be read
   */
  public static void main(String[] args) throws IOException {
    // Spark only logs a warning for an extension it cannot load, and would serve without it: a
    // server that should guard private tables must not start without its guard.
    for (String extension : System.getProperty("spark.sql.extensions", "").split(",")) {
      if (!extension.isBlank()) {
        try {
          Class.forName(extension.trim());
        } catch (ClassNotFoundException e) {
          System.err.println("spark.sql.extensions: class " + extension.trim() + " not found");
          System.exit(2);
        }
      }
    }
    SparkSession session = SparkSession.builder().getOrCreate();
    SparkConnectService.start(session.sparkContext());
    System.out.println(READY + " " + SparkConnectService$.MODULE$.localPort());
    System.out.flush();
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // Nothing is sent on the pipe; it only tells the server that its parent lives.
    }
    SparkConnectService.stop(Option.empty(), Option.empty());
    session.stop();
    System.exit(0);
  }
}
