#!/usr/bin/env bash
# Writes the package lists that the Javadoc build links against (see maven-javadoc-plugin's
# offlineLinks in the parent pom), so that links to the JDK, Caffeine, Lettuce and Resilience4j
# need no network at build time. Run it after changing one of their versions; it reads the jars
# from the local Maven repository (run a build first) and the JDK running it (use JDK 17).
set -euo pipefail
cd "$(dirname "$0")"
repo="${MAVEN_REPO:-$HOME/.m2/repository}"
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" ../../../pom.xml | head -n1; }

# The JDK: every package exported without qualification, per module (the element-list format).
mkdir -p jdk
{
  for m in $(java --list-modules | sed 's/@.*//' | grep -E '^(java|jdk)\.'); do
    pkgs=$(java --describe-module "$m" | awk '$1 == "exports" { print $2 }' | sort)
    if [[ -n "$pkgs" ]]; then echo "module:$m"; echo "$pkgs"; fi
  done
} > jdk/element-list

# A library jar: its module's exports when it has a module-info (element-list), else every package
# with classes, less internal ones (package-list).
library() {
  local dir=$1 jar=$2
  mkdir -p "$dir"; rm -f "$dir/element-list" "$dir/package-list"
  local desc; desc=$(jar --describe-module --file "$jar" 2>/dev/null || true)
  if grep -q '^No module descriptor' <<<"$desc" || [[ -z "$desc" ]]; then
    unzip -Z1 "$jar" | grep '\.class$' | grep -v 'module-info\|META-INF' | sed 's:/[^/]*$::' \
      | grep -v -E '(^|/)(internal|impl)(/|$)' | tr / . | sort -u > "$dir/package-list"
  else
    { head -n1 <<<"$desc" | sed 's/@.*//; s/^/module:/'
      awk '$1 == "exports" && NF == 2 { print $2 }' <<<"$desc" | sort; } > "$dir/element-list"
  fi
}
library caffeine "$repo/com/github/ben-manes/caffeine/caffeine/$(prop caffeine.version)/caffeine-$(prop caffeine.version).jar"
library lettuce "$repo/io/lettuce/lettuce-core/$(prop lettuce.version)/lettuce-core-$(prop lettuce.version).jar"
r4j=$(prop resilience4j.version)
for a in core retry circuitbreaker; do
  library "resilience4j-$a" "$repo/io/github/resilience4j/resilience4j-$a/$r4j/resilience4j-$a-$r4j.jar"
done
wc -l ./*/*-list
