// Prints the JVM flags that a Spark installation's own launcher (bin/spark-submit, bin/spark-class)
// adds on Java 17+, one a line, from the spark-launcher jar on the class path. .ci/compat-test runs it
// in Java's source-file mode (java -cp spark-launcher.jar ModuleOptions.java), so that each Spark
// version runs with the flags its spark-submit would give it, not with the build's.
public class ModuleOptions {
  public static void main(String[] args) {
    for (String flag : org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptionArray()) {
      System.out.println(flag);
    }
  }
}
