# The grants scenario of src/bench/run.sh (SCENARIO=grants): the token cache's memory. Sourced by run.sh once the
# jar and the bench classes are built, with its helpers (start_gateway, rss_kib, heap_kib, record, value, log, die).
#
# On a fresh SQLite store: creates GRANTS_TOKENS=200000 telegraf-agent tokens with the create-tokens command, uses
# 100 of them (warms the path up) and measures the heap after a full GC, then uses every token once by a
# GET /api/configs (Provisioner use-tokens: 32 at a time, as fast as the gateway answers) and measures the heap right
# after, and again once the tokens' last use has been written back (GRANTS_SETTLE=45 s later: the verifier flushes
# every 30 s), with the grants cached (heartgate_token_cache_size on /metrics) and the gateway's RSS. Bytes per
# cached grant = (heap settled - heap warm) / (grants cached - 100). Gateway flags: GATEWAY_JAVA_OPTS (default
# -Xmx512m for this scenario). GRANTS_BASELINE_JAR (another build, e.g. of main) is measured the same way after it.
# The classes on the settled heap (jcmd GC.class_histogram) are written to grants-histogram-<build>.txt.

GRANTS_TOKENS=${GRANTS_TOKENS:-200000}
GRANTS_SETTLE=${GRANTS_SETTLE:-45}
GRANTS_PRIMED=100
GRANTS_OWNER=(--owner-username bench-owner --owner-password bench-password-123)
command -v jcmd >/dev/null || die "jcmd (from the JDK) is required"

use_tokens() { # API_PORT TOKENS TOKENS_FILE
  java -cp "$BENCH_CP" io.heartgate.bench.Provisioner use-tokens "$1" "$3" "$2" 2>>"$OUT/grants-load.log" \
    | tee -a "$OUT/grants-load.log" | grep '^RESULT' || die "using the tokens failed, see $OUT/grants-load.log"
}

# measure NAME JAR: one gateway of that build on a fresh store; records a GRANTS line
measure() {
  local name=$1 db=grants-$1 tokens=$OUT/grants-tokens-$1.txt line warm after settled
  JAR=$2 start_gateway "grants-$name" sqlite "$db" "${GRANTS_OWNER[@]}"
  log "$name: creating $GRANTS_TOKENS telegraf-agent tokens (create-tokens)"
  java -jar "$2" create-tokens --database "$(database_url sqlite "$db")" --user bench-owner \
    --count "$GRANTS_TOKENS" --name-prefix grants --permissions telegraf-agent --output "$tokens" \
    >"$OUT/create-tokens-$name.log" 2>&1 || die "create-tokens failed, see $OUT/create-tokens-$name.log"
  use_tokens "$GW_API" "$GRANTS_PRIMED" "$tokens" >/dev/null
  warm=$(heap_kib "$GW_PID")
  log "$name: using $GRANTS_TOKENS tokens once"
  line=$(use_tokens "$GW_API" "$GRANTS_TOKENS" "$tokens")
  after=$(heap_kib "$GW_PID")
  # The last use of the tokens used since the previous flush is held until the next one: wait for it.
  sleep "$GRANTS_SETTLE"
  settled=$(heap_kib "$GW_PID")
  jcmd "$GW_PID" GC.class_histogram >"$OUT/grants-histogram-$name.txt" 2>&1 || true
  record "GRANTS target=$name ${line#RESULT } heap_warm_kib=$warm heap_after_kib=$after heap_settled_kib=$settled" \
    "rss_kib=$(rss_kib "$GW_PID" VmRSS) peak_kib=$(rss_kib "$GW_PID" VmHWM)"
  stop_pid "$GW_PID"
  log "$name: $(tail -1 "$RESULTS")"
}

measure this "$JAR"
[[ -n ${GRANTS_BASELINE_JAR:-} ]] && measure baseline "$GRANTS_BASELINE_JAR"

per_grant() { # HEAP_KIB WARM_KIB GRANTS
  awk -v a="$1" -v b="$2" -v n="$3" -v p="$GRANTS_PRIMED" \
    'BEGIN { if (n - p > 0) printf "%.0f", (a - b) * 1024 / (n - p); else printf "-" }'
}
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
{
  echo "# Heartgate token cache memory, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $CORES cores ($CPU), $MEM_MIB MiB memory. Java: $(java -version 2>&1 | head -1)."
  echo "Gateway: java ${GATEWAY_JAVA_OPTS:+$GATEWAY_JAVA_OPTS }-jar <build>, SQLite. $GRANTS_TOKENS telegraf-agent tokens"
  echo "(create-tokens), each used once by GET /api/configs (32 at a time). Heap: used after a full GC (jcmd GC.run)"
  echo "with $GRANTS_PRIMED tokens used (warm), right after the load, and $GRANTS_SETTLE s later once the last uses are"
  echo "written back (settled). Bytes per cached grant = (heap - warm) / (grants cached - $GRANTS_PRIMED)."
  echo
  echo "| build | grants cached | heap MiB warm / after / settled | bytes per grant settled (after, with last uses held) | RSS MiB / peak | tokens used in s |"
  echo "|---|---:|---:|---:|---:|---:|"
  for name in this baseline; do
    l=$(grep "^GRANTS target=$name " "$RESULTS") || continue
    printf '| %s | %.0f | %s / %s / %s | %s (%s) | %s / %s | %s |\n' "$name" "$(value grants_cached "$l")" \
      "$(mib "$(value heap_warm_kib "$l")")" "$(mib "$(value heap_after_kib "$l")")" \
      "$(mib "$(value heap_settled_kib "$l")")" \
      "$(per_grant "$(value heap_settled_kib "$l")" "$(value heap_warm_kib "$l")" "$(value grants_cached "$l")")" \
      "$(per_grant "$(value heap_after_kib "$l")" "$(value heap_warm_kib "$l")" "$(value grants_cached "$l")")" \
      "$(mib "$(value rss_kib "$l")")" "$(mib "$(value peak_kib "$l")")" "$(value use_s "$l")"
  done
} >"$OUT/report.md"
cp "$OUT/report.md" "$ROOT/target/bench/report.md"
echo
cat "$OUT/report.md"
log "report written to $OUT/report.md (raw figures in $RESULTS)"
