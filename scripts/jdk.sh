# Sourced by the launcher and the test script: exports JAVA_HOME as a JDK >= 21 (JAVA_HOME first, then /usr/lib/jvm/*).
# The major version of the JDK at $1: from its release file (no JVM started), else from the JVM itself.
java_major() {
  local v=""
  [ -f "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1)
  fi
  echo "$v"
}
kubepath_find_jdk() {
  local c v best="" best_v=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(java_major "$JAVA_HOME"); if [ "${v:-0}" -ge 21 ]; then printf "%s\t%s\n" "$JAVA_HOME" "$v"; return; fi
  fi
  for c in /usr/lib/jvm/*; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c"); v=${v:-0}
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v=$v; fi
  done
  [ -n "$best" ] && printf "%s\t%s\n" "$best" "$best_v"
}
IFS=$'\t' read -r jdk jdk_major <<<"$(kubepath_find_jdk || true)"
if [ -z "$jdk" ]; then
  echo "kubepath: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*); install one, e.g. apt-get install openjdk-21-jdk" >&2
  exit 2
fi
export JAVA_HOME="$jdk"
export KUBEPATH_JDK_MAJOR="$jdk_major"
