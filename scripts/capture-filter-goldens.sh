#!/bin/sh
# Captures what GNU grep, head, tail, wc, sort, uniq and awk print for the pipelines `kubepath shell` answers, on
# the seed's route -n transcript (outputs/9) as standard input, in the C locale. No root needed.
#
#   sh scripts/capture-filter-goldens.sh src/test/resources/shell/filters
#
# Writes OUT/commands.txt: each pipeline after "$ ", then what it printed (standard output and error).
set -eu
out=${1:?usage: capture-filter-goldens.sh OUTDIR}
in="$out/input.txt"
export LC_ALL=C
{
  while IFS= read -r cmd; do
    echo "\$ $cmd"
    cat "$in" | sh -c "$cmd" 2>&1 || true  # a pipe, as in the shell (wc pads to 7 columns on one)
  done <<'PIPELINES'
grep flannel
grep -C5 flannel
grep -C 1 172.17.89.0
grep -A2 -B1 docker0
grep -A 1 Destination
grep -B2 eth0
grep -v UG
grep -vc UG
grep -c flannel.1
grep -E '172\.17\.(9|83)\.0'
grep '172.17.\(9\|83\).0'
grep -i FLANNEL
grep -w 0
grep -iw DOCKER0
grep -n after
grep -e docker0 -e mcwk8s05
grep -o '172\.17\.[0-9]*\.0' 
grep -E '(unclosed'
grep
grep -C x flannel
head
head -3
head -n 2
head -n2
tail -2
tail -n +40
tail -n x
wc -l
wc
wc -w
sort
sort -r
sort -u
sort -k2
sort -n -k5
uniq -c
grep UG | sort | uniq -c
grep -v '^#' | grep -v '^\[' | sort | uniq -c | sort -rn | head -3
awk '{print $1}'
awk '{print $NF}'
awk '{print $1, $NF}'
awk '/flannel/ {print $2}'
awk -F. '{print $1}'
grep flannel | awk '{print $8}' | sort | uniq -c
PIPELINES
} > "$out/commands.txt"
echo "captured into $out"
