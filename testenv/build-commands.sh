# Sourced by testenv/bench and testenv/chaos: builds the operator jar and testenv's classes when
# they are missing or older than the sources (./mvnw -B -q -Dmaven.test.skip=true package, one
# reactor, nothing installed into ~/.m2), and writes testenv's runtime classpath to
# testenv/target/bench.classpath. Expects to run in the checkout's root.
jar=$(ls operator/target/schemagate-*-all.jar 2>/dev/null | head -1 || true)
classes=testenv/target/classes/dev/schemagate/testenv/bench/Bench.class
classpath=testenv/target/bench.classpath
stale() {
  [[ -z "$jar" || ! -f "$classes" || ! -f "$classpath" ]] && return 0
  [[ -n "$(find pom.xml operator/pom.xml testenv/pom.xml operator/src/main testenv/src/main -newer "$classes" -type f -print -quit)" ]] && return 0
  [[ -n "$(find operator/src/main -newer "$jar" -type f -print -quit)" ]]
}
if stale; then
  echo "[build] ./mvnw -B -q -Dmaven.test.skip=true package" >&2
  # One reactor: testenv's classpath then names this checkout's operator jar, not one in ~/.m2.
  # The commands run no test code, so none is compiled.
  # Maven's output goes to stderr: stdout holds only the figures.
  ./mvnw -B -q -Dmaven.test.skip=true package dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >&2
  touch "$classes"
fi
