#!/usr/bin/env bash
# Byte-identity check: re-run the kit on three corpora and compare every table and figure
# with a baseline made by an earlier version of the code.
#
#   tools/check_identical.sh make BASE_DIR   # write a baseline (before a change)
#   tools/check_identical.sh check BASE_DIR  # re-run into a scratch folder and cmp against BASE_DIR
#
# Corpora: the bundled corpus/, and (when present) ../check/ungdc (UN General Debate, sessions
# 69-75) and ../check/us (US statements); override with CHECK_CORPORA="name=path ...".
# With CHECK_NOTEBOOKS=1 the notebooks are executed too and their tables and figures
# (results/nb0*, figures/nb0*) compared as nb-results/ and nb-figures/.
# Exit status 1 when any file differs. run.json is compared in full and, when it differs,
# without its codebook "path" (reported as "same but path" when only the path moved).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mode=${1:?usage: $0 make|check BASE_DIR}
base=${2:?usage: $0 make|check BASE_DIR}
corpora=${CHECK_CORPORA:-"corpus=corpus ungdc=../check/ungdc us=../check/us"}

run_into() {  # $1 = output root
  mkdir -p "$1"
  for spec in $corpora; do
    name=${spec%%=*}; path=${spec#*=}
    [ -e "$path" ] || { echo "skip $name: $path not found"; continue; }
    "$PY" -m analysis run "$path" --out "$1/$name" --figures "$1/$name-fig" --no-cache >/dev/null 2>"$1/$name.log"
  done
  if [ "${CHECK_NOTEBOOKS:-0}" = 1 ]; then
    DISCOURSE_KIT_RESULTS="$1/nb-results" DISCOURSE_KIT_FIGURES="$1/nb-figures" \
      "$PY" -m analysis notebooks notebooks >/dev/null
  fi
}

if [ "$mode" = make ]; then
  run_into "$base"
  echo "baseline written to $base"
  exit 0
fi
[ "$mode" = check ] || { echo "usage: $0 make|check BASE_DIR" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
run_into "$scratch"
status=0
for dir in "$base"/*/; do
  name=$(basename "$dir")
  [ -d "$scratch/$name" ] || continue
  for f in "$dir"*; do
    file=$(basename "$f")
    if [ "$file" = run.json ] && cmp -s "$f" "$scratch/$name/$file"; then
      echo "same    $name/$file"
    elif [ "$file" = run.json ]; then
      if ! "$PY" - "$f" "$scratch/$name/$file" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.get("codebook", {}).pop("path", None)
sys.exit(a != b)
PY
      then echo "DIFFERS $name/$file"; status=1; else echo "same but codebook path: $name/$file"; fi
    elif cmp -s "$f" "$scratch/$name/$file"; then
      echo "same    $name/$file"
    else
      echo "DIFFERS $name/$file"; status=1
      case "$file" in *.csv) diff <(sort "$f") <(sort "$scratch/$name/$file") | head -20 || true;; esac
    fi
  done
done
exit $status
