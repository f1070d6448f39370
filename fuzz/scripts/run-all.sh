#!/usr/bin/env bash
# Runs fuzz targets for SECONDS each, in two lanes (the machine has 2 cores):
#   fuzz/scripts/run-all.sh SECONDS [EXTRA_SEED_ROOT [TARGET...]]
# EXTRA_SEED_ROOT/<target> (e.g. built by `seeds.py fixtures DIR`) is read as
# an extra corpus dir; new inputs go to fuzz/corpus/<target>. Logs go to
# fuzz/logs/<target>.log (ignored by git). Needs `cargo +nightly fuzz build` first.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
extra=${2:-}
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs artifacts
lane() {
  for t in "$@"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    dirs=("corpus/$t")
    if [ -n "$extra" ] && [ -d "$extra/$t" ]; then dirs+=("$extra/$t"); fi
    start=$(date +%s)
    "$bin/$t" "${dirs[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"logs/$t.log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$')
    echo "$t rc=$rc seconds=$((end - start)) execs=${execs:-?}" | tee -a logs/summary.txt
  done
}
shift 2 2>/dev/null || shift $#
if [ $# -gt 0 ]; then
  a=() b=()
  i=0
  for t in "$@"; do
    if [ $((i % 2)) -eq 0 ]; then a+=("$t"); else b+=("$t"); fi
    i=$((i + 1))
  done
  lane "${a[@]}" &
  if [ ${#b[@]} -gt 0 ]; then lane "${b[@]}" & fi
else
  lane json_parse json_stream json_canon claim bundle receipt_embodied receipt_external receipt_kill_switch receipt_trace_action cose_manifest &
  lane snp_report azure_envelope tdx_quote tdx_report tpm_attest tpm_signature tpm_eventlog x509_certs x509_chain &
fi
wait
