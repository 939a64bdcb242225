# Sourced by ./pmc, ./run-tests and .ci/run: points JAVA_HOME at a JDK 25 (the default java may be 17).
pmcj_java_version() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(pmcj_java_version "$JAVA_HOME")" != "25" ]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25* \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    if [ -x "$candidate/bin/java" ] && [ "$(pmcj_java_version "$candidate")" = "25" ]; then JAVA_HOME="$candidate"; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "PMC-J needs JDK 25. Install one (e.g. Temurin 25 from https://adoptium.net, or 'apt-get install temurin-25-jdk'" >&2
    echo "from the Adoptium apt repository) and set JAVA_HOME to it." >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
