# Sourced by the testbed benchmarks: builds what the testbed runs and the e2e module's classes, then runs one
# benchmark main in the testbed's controller namespace (testbed/controller-jvm/bin/java: as root it prepares the
# testbed, runs java there and tears everything down afterwards).
run_testbed_bench() {
  local main="$1" arg="$2" out=e2e-tests/target/bench
  [ "$(id -u)" = 0 ] || { echo "$BENCH_NAME: the testbed needs root" >&2; exit 1; }
  mkdir -p "$out"
  ./mvnw -B -q -DskipTests install -pl event-contracts,bmc-emulator,host-agent,scheduler-service,failover-service,monitor-service >/dev/null
  ./mvnw -B -q -pl e2e-tests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test >/dev/null
  local result
  result="$(pwd)/$BENCH_RESULT"
  KVMHA_TESTBED_NO_BUILD=1 KVMHA_TESTBED_WRAPPER_LOG="$out/wrapper.log" KVMHA_TESTBED_KEEP_LOGS="$out/testbed-logs" \
    testbed/controller-jvm/bin/java -Xmx512m --enable-native-access=ALL-UNNAMED -Dkvmha.root="$(pwd)" \
    -cp "e2e-tests/target/test-classes:$(cat "$out/classpath.txt")" "$main" "$arg" "$result" \
    "${BENCH_MACHINE:-unknown}" "${BENCH_QUICK:-false}" 2>&1 | tee "$out/$BENCH_NAME.log" >&2
}
