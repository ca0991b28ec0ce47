# Sourced by bin/privspark-submit, bin/privspark-benchmark, .ci/lib/cluster.sh and .ci/notebooks:
# Spark 4.2.0's JVM flags on Java 17 (org.apache.spark.launcher.JavaModuleOptions) as the array
# spark_flags. They are read from the parent pom.xml's spark.jvm.flags property, which surefire's
# argLine uses too, so that the list exists once. Without them Kryo cannot reach ByteBuffer.hb.
# shellcheck disable=SC2034
spark_flags_pom="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/pom.xml"
read -r -a spark_flags <<<"$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' "$spark_flags_pom")"
if [ "${#spark_flags[@]}" -eq 0 ]; then
  echo "no spark.jvm.flags property in $spark_flags_pom" >&2
  exit 1
fi
