#!/usr/bin/env bash
# Benchmark regression check: runs the pairs of jmh/baseline.txt briefly and fails when a
# Strata/raw throughput ratio fell below its baseline by more than the pair's tolerance.
# Needs only a JDK. Options (passed to dev.strata.jmh.regression.RegressionCheck):
#   --pairs a,b            check only these pairs
#   --update               write the measured ratios into the baseline instead of checking
#   --forks N --warmup-iterations N --iterations N --time SECONDS   JMH run length (1, 2, 3, 1)
#   --baseline FILE        another baseline file
# Set STRATA_JMH_REBUILD=false to reuse an existing jmh/target/benchmarks.jar, and
# STRATA_JMH_JAVA_OPTS for options of the checking JVM (e.g. -Djmh.ignoreLock=true when another
# JMH run holds /tmp/jmh.lock on a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."

jar=jmh/target/benchmarks.jar
if [[ "${STRATA_JMH_REBUILD:-true}" != "false" || ! -f "$jar" ]]; then
  ./mvnw -q -pl jmh -am package -DskipTests -Dspotless.check.skip
fi
# shellcheck disable=SC2086
exec java ${STRATA_JMH_JAVA_OPTS:-} -cp "$jar" dev.strata.jmh.regression.RegressionCheck --baseline jmh/baseline.txt "$@"
