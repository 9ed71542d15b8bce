#!/usr/bin/env bash
# Reproducible builds: rebuilds every published module from scratch and compares the SHA-256 of
# each jar (main, sources, javadoc, test-jar) with the one the previous build left in target/.
# Run after `./mvnw verify` (CI does). Fails, naming the jars, when a byte differs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Published modules = those that build a sources jar.
mapfile -t jars < <(ls -1 ./*/target/*-sources.jar 2>/dev/null | sed 's/-sources\.jar$//' | while read -r base; do
  ls -1 "$base".jar "$base"-*.jar 2>/dev/null; done | sort -u)
if [[ ${#jars[@]} -eq 0 ]]; then
  echo "[repro] no published jars in */target: run ./mvnw verify first" >&2
  exit 1
fi
modules=$(printf '%s\n' "${jars[@]}" | cut -d/ -f2 | sort -u | paste -sd, -)
before=$(mktemp); after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
sha256sum "${jars[@]}" > "$before"

echo "[repro] rebuilding $modules from clean to compare ${#jars[@]} jars"
./mvnw -B -q -ntp -o clean package -DskipTests -Dspotless.check.skip=true -pl "$modules" -am
sha256sum "${jars[@]}" > "$after"

if ! diff -u "$before" "$after"; then
  echo "[repro] FAILED: the jars above differ between two builds of the same sources" >&2
  exit 1
fi
echo "[repro] ${#jars[@]} jars identical across two builds"
