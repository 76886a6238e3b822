# The fleet scenario of src/bench/run.sh (SCENARIO=fleet, or SMOKE=1): sourced by run.sh once the jar and the bench
# classes are built, with its helpers (start_postgres, start_gateway, cpu_ticks, rss_kib, heap_kib, record, value,
# log, die).
# See the header of run.sh for what it measures and its settings.

TOOL_JAVA=(java)
if [[ $SMOKE == 1 ]]; then
  FLEET_AGENTS=${FLEET_AGENTS:-300}
  FLEET_DURATION=${FLEET_DURATION:-3}
  # Every agent twice within the run, so that every one of them is registered.
  FLEET_RATE=${FLEET_RATE:-$((FLEET_AGENTS * 2 / FLEET_DURATION))}
  FLEET_CONNECTIONS=${FLEET_CONNECTIONS:-16}
  FLEET_WARMUP=${FLEET_WARMUP:-0}
  # The smoke's tools live seconds: the C1 compiler and the serial collector start them for less CPU.
  TOOL_JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
fi
FLEET_AGENTS=${FLEET_AGENTS:-1000000}
# Tokens the fleet holds: one per agent by default; fewer are shared by the agents in turn (agent i, token i mod n).
FLEET_TOKENS=${FLEET_TOKENS:-$FLEET_AGENTS}
FLEET_DURATION=${FLEET_DURATION:-600}
FLEET_RATE=${FLEET_RATE:-$(awk -v n="$FLEET_AGENTS" 'BEGIN { printf "%.1f", n / 60 }')}
FLEET_CONNECTIONS=${FLEET_CONNECTIONS:-256}
FLEET_THREADS=${FLEET_THREADS:-2}
# 1: every heartbeat on a connection of its own, closed after its answer (at most FLEET_CONNECTIONS at once), as a
# fleet's agents have: each sends once a minute, and the gateway closes a connection idle for KEEP_ALIVE_SECONDS.
FLEET_CONNECTION_EACH=${FLEET_CONNECTION_EACH:-0}
# Seconds of load before the measured FLEET_DURATION, so that the JIT has compiled the gateway and the generator.
FLEET_WARMUP=${FLEET_WARMUP:-10}
FLEET_OWNER=(--owner-username bench-owner --owner-password bench-password-123)
# Agents heartbeating before the empty-cache heap is measured, to warm the heartbeat path up (none in the smoke,
# whose figures are not read: it saves a JVM start).
if [[ $SMOKE == 1 ]]; then FLEET_PRIMED=0; else FLEET_PRIMED=$((FLEET_AGENTS < 100 ? FLEET_AGENTS : 100)); fi
command -v jcmd >/dev/null || die "jcmd (from the JDK) is required"

# store_bytes STORE: the store's size on disk (SQLite: the file with its WAL; PostgreSQL: the database)
store_bytes() {
  if [[ $1 == sqlite ]]; then
    cat "$OUT"/fleet.db "$OUT"/fleet.db-wal 2>/dev/null | wc -c
  else
    runuser -u postgres -- "$PG_BIN/psql" -Atq -h 127.0.0.1 -p "$PG_PORT" -U postgres -c \
      "SELECT pg_database_size('fleet')"
  fi
}

fleet_load() { # HEARTBEAT_PORT AGENTS RATE SECONDS CONNECTIONS TOKENS_FILE WARMUP_SECONDS [CONNECTION_EACH]
  "${TOOL_JAVA[@]}" -cp "$BENCH_CP" io.heartgate.bench.FleetLoad "$1" "$6" "$BODY" "$2" "$3" "$4" "$5" "$FLEET_THREADS" "$7" \
    "$([[ ${8:-0} == 1 ]] && echo true || echo false)" \
    2>>"$OUT/fleet-load.log" | tee -a "$OUT/fleet-load.log" | grep '^RESULT' \
    || die "the load generator failed, see $OUT/fleet-load.log"
}

FLEET_STORES=()
for store in $STORES; do
  if [[ $store == postgres ]]; then
    start_postgres && FLEET_STORES+=(postgres)
  else
    FLEET_STORES+=("$store")
  fi
done
[[ ${#FLEET_STORES[@]} -gt 0 ]] || die "no store to run on (STORES=$STORES)"

for store in "${FLEET_STORES[@]}"; do
  start_gateway "fleet-$store" "$store" fleet "${FLEET_OWNER[@]}"
  tokens=$OUT/fleet-tokens-$store.txt
  log "$store: creating $FLEET_TOKENS telegraf-agent tokens (create-tokens)"
  t0=$(now_ms)
  # From the run's folder, as the gateway: the checkout's conf/heartgate.json is read from the working folder, and
  # a build measured with HEARTGATE_JAR refuses the settings it does not know.
  (cd "$OUT" && exec "${TOOL_JAVA[@]}" -jar "$JAR" create-tokens --database "$(database_url "$store" fleet)" \
    --user bench-owner --count "$FLEET_TOKENS" --name-prefix fleet --permissions telegraf-agent --output "$tokens") \
    >"$OUT/create-tokens-$store.log" 2>&1 || die "create-tokens failed, see $OUT/create-tokens-$store.log"
  provision_s=$(awk -v ms="$(($(now_ms) - t0))" 'BEGIN { printf "%.1f", ms / 1000 }')
  log "$store: $(tail -1 "$OUT/create-tokens-$store.log")"

  [[ $FLEET_PRIMED -gt 0 ]] && fleet_load "$GW_HB" "$FLEET_PRIMED" 100 1 8 "$tokens" 0 >/dev/null
  heap_before=$(heap_kib "$GW_PID")
  log "$store: $FLEET_AGENTS agents at $FLEET_RATE heartbeats/s for $FLEET_WARMUP s of warm-up and $FLEET_DURATION s" \
    "($FLEET_CONNECTIONS connections$([[ $FLEET_CONNECTION_EACH == 1 ]] && echo ", a new one per heartbeat"))"
  before=$(cpu_ticks "$store" "$GW_PID")
  load_started=$(now_ms)
  line=$(fleet_load "$GW_HB" "$FLEET_AGENTS" "$FLEET_RATE" "$FLEET_DURATION" "$FLEET_CONNECTIONS" "$tokens" "$FLEET_WARMUP" \
    "$FLEET_CONNECTION_EACH")
  after=$(cpu_ticks "$store" "$GW_PID")
  load_span_ms=$(($(now_ms) - load_started))
  heap_after=$(heap_kib "$GW_PID")
  rss=$(rss_kib "$GW_PID" VmRSS)
  peak=$(rss_kib "$GW_PID" VmHWM)
  timings=$("${TOOL_JAVA[@]}" -cp "$BENCH_CP" io.heartgate.bench.Provisioner fleet-timings "$GW_API" fleet-agent-0000001 \
    fleet-agent-00000 2>>"$OUT/fleet-timings.log" | grep '^RESULT') || die "timing the agents API failed, see $OUT/fleet-timings.log"
  stop_pid "$GW_PID"
  record "FLEET target=$store provision_s=$provision_s ${line#RESULT } cpu_ticks=$((after - before)) load_span_ms=$load_span_ms" \
    "heap_before_kib=$heap_before heap_after_kib=$heap_after rss_kib=$rss peak_kib=$peak" \
    "store_bytes=$(store_bytes "$store") ${timings#RESULT }"
  log "$store: $(value acked_rate "$line") acknowledged/s, p99 $(value p99_us "$line") us, non-2xx $(value non2xx "$line"), failed $(value failed "$line"), not sent (generator backlog full) $(value shed "$line")"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
mib() { awk -v b="$1" -v unit="$2" 'BEGIN { printf "%.0f", b * unit / 1048576 }'; }
{
  title="Heartgate fleet benchmark"
  [[ $SMOKE == 1 ]] && title+=" (smoke: figures of a few seconds, not to be read as results)"
  echo "# $title, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $CORES cores ($CPU), $MEM_MIB MiB memory; load average before $LOAD_BEFORE, after $LOAD_AFTER."
  echo "Java: $(java -version 2>&1 | head -1). ${PG_VERSION:+PostgreSQL: $PG_VERSION (fsync on, default settings).}"
  if [[ $FLEET_TOKENS == "$FLEET_AGENTS" ]]; then tokens_held="each with its own telegraf-agent token"
  else tokens_held="sharing $FLEET_TOKENS telegraf-agent tokens in turn"; fi
  echo "Load: $FLEET_AGENTS agents, $tokens_held and an id of its own, POST /agents/heartbeat with the"
  if [[ $FLEET_CONNECTION_EACH == 1 ]]; then over="a connection of its own per heartbeat, closed after its answer (at most $FLEET_CONNECTIONS at once)"
  else over="$FLEET_CONNECTIONS connections"; fi
  echo "'all' fixture, open loop at $FLEET_RATE heartbeats/s over $over (FleetLoad, $FLEET_THREADS event"
  echo "loops, on the same machine), measured for $FLEET_DURATION s after $FLEET_WARMUP s of warm-up; latency from each"
  echo "request's intended send time."
  echo "Gateway: java ${GATEWAY_JAVA_OPTS:+$GATEWAY_JAVA_OPTS }-jar target/heartgate.jar (pool size $PG_POOL_SIZE on PostgreSQL)."
  echo "Heap: used after a full GC (jcmd GC.run), after $FLEET_PRIMED agents warmed the path up and after the run;"
  echo "bytes per cached grant = their difference / (grants cached after the run - $FLEET_PRIMED). CPU µs per heartbeat:"
  echo "CPU time of the gateway (for postgres: plus every PostgreSQL server process) during the run, warm-up included,"
  echo "/ its 2xx answers. Load CPU µs per heartbeat: the generator's CPU time over its schedule / the same answers;"
  echo "cores busy: both CPU times / the generator's run, of the machine's $CORES (the generator shares them with the"
  echo "gateway)."
  echo "Non-2xx and unanswered: of the measured requests, after those of the warm-up (+)."
  echo
  echo "| store | tokens created in s | heartbeats/s acknowledged (target) | non-2xx | unanswered + warm-up errors | p50 ms | p99 ms | p999 ms | max ms | CPU µs per heartbeat | load CPU µs per heartbeat | cores busy |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for store in "${FLEET_STORES[@]}"; do
    l=$(grep "^FLEET target=$store " "$RESULTS")
    answered=$(( $(value acked "$l") + $(value warmup_acked "$l") ))
    printf '| %s | %s | %.0f (%.0f) | %s | %s + %s | %s | %s | %s | %s | %s | %s | %s |\n' "$store" "$(value provision_s "$l")" \
      "$(value acked_rate "$l")" "$(value target_rate "$l")" "$(value non2xx "$l")" "$(value failed "$l")" \
      "$(value warmup_errors "$l")" "$(ms "$(value p50_us "$l")")" \
      "$(ms "$(value p99_us "$l")")" "$(ms "$(value p999_us "$l")")" "$(ms "$(value max_us "$l")")" \
      "$(awk -v t="$(value cpu_ticks "$l")" -v n="$answered" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else printf "-" }')" \
      "$(awk -v ms="$(value load_cpu_ms "$l")" -v n="$answered" 'BEGIN { if (n > 0) printf "%.0f", ms * 1e3 / n; else printf "-" }')" \
      "$(awk -v t="$(value cpu_ticks "$l")" -v ms="$(value load_cpu_ms "$l")" -v hz="$CLK_TCK" \
        -v span="$(value load_span_ms "$l")" 'BEGIN { printf "%.2f", (t / hz + ms / 1e3) / (span / 1e3) }')"
  done
  echo
  echo "Agents heartbeating again: of the measured requests, those of the fleet's second round and on (every agent had"
  echo "heartbeated before: no new agent, no token seen for the first time); none when the run is shorter than a round."
  echo
  echo "| store | heartbeats of agents heartbeating again | p50 ms | p99 ms | p999 ms | max ms |"
  echo "|---|---:|---:|---:|---:|---:|"
  for store in "${FLEET_STORES[@]}"; do
    l=$(grep "^FLEET target=$store " "$RESULTS")
    if [[ $(value repeat_measured "$l") -gt 0 ]]; then
      printf '| %s | %s | %s | %s | %s | %s |\n' "$store" "$(value repeat_measured "$l")" \
        "$(ms "$(value repeat_p50_us "$l")")" "$(ms "$(value repeat_p99_us "$l")")" \
        "$(ms "$(value repeat_p999_us "$l")")" "$(ms "$(value repeat_max_us "$l")")"
    else
      printf '| %s | 0 | - | - | - | - |\n' "$store"
    fi
  done
  echo
  echo "| store | RSS MiB after / peak | heap after GC MiB warm / after the run | grants cached | bytes per cached grant | store MiB on disk | agents (summary) | summary ms first / median | first page by lastSeen ms | search by id prefix ms | one agent ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for store in "${FLEET_STORES[@]}"; do
    l=$(grep "^FLEET target=$store " "$RESULTS")
    grants=$(awk -v g="$(value grants_cached "$l")" 'BEGIN { printf "%.0f", g }')
    printf '| %s | %s / %s | %s / %s | %s | %s | %s | %s | %s / %s | %s / %s | %s / %s | %s / %s |\n' "$store" \
      "$(mib "$(value rss_kib "$l")" 1024)" "$(mib "$(value peak_kib "$l")" 1024)" \
      "$(mib "$(value heap_before_kib "$l")" 1024)" "$(mib "$(value heap_after_kib "$l")" 1024)" "$grants" \
      "$(awk -v a="$(value heap_after_kib "$l")" -v b="$(value heap_before_kib "$l")" -v n="$grants" \
        -v p="$FLEET_PRIMED" 'BEGIN { if (n - p > 0) printf "%.0f", (a - b) * 1024 / (n - p); else printf "-" }')" \
      "$(mib "$(value store_bytes "$l")" 1)" "$(value summary_total "$l")" \
      "$(value summary_first_ms "$l")" "$(value summary_median_ms "$l")" "$(value list_first_ms "$l")" \
      "$(value list_median_ms "$l")" "$(value search_first_ms "$l")" "$(value search_median_ms "$l")" \
      "$(value agent_first_ms "$l")" "$(value agent_median_ms "$l")"
  done
  echo
  echo "Times of the agents API: first call and median of 5, as the owner, once the load has stopped."
} >"$OUT/report.md"
cp "$OUT/report.md" "$ROOT/target/bench/report.md"
echo
cat "$OUT/report.md"
log "report written to $OUT/report.md (raw figures in $RESULTS)"

if [[ $SMOKE == 1 ]]; then
  for store in "${FLEET_STORES[@]}"; do
    l=$(grep "^FLEET target=$store " "$RESULTS")
    [[ $(value non2xx "$l") == 0 && $(value failed "$l") == 0 && $(value warmup_errors "$l") == 0 \
      && $(value acked "$l") == "$(value sent "$l")" \
      && $(value acked "$l") -gt 0 ]] || die "smoke: $store answered $(value acked "$l") of $(value sent "$l") with 2xx"
    [[ $(value summary_total "$l") == "$FLEET_AGENTS" ]] \
      || die "smoke: $store registered $(value summary_total "$l") of $FLEET_AGENTS agents"
  done
  log "smoke passed on ${FLEET_STORES[*]}"
fi
