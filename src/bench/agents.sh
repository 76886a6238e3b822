# The agents scenario of src/bench/run.sh (SCENARIO=agents): sourced by run.sh once the jar and the bench classes
# are built, with its helpers (start_postgres, start_gateway, stop_pid, record, value, log, die, database_url).
#
# On each store of STORES: fills a store with AGENTS_COUNT=1000000 agents straight by SQL (AgentsAtScale fill: ids
# as the fleet's, heartbeat details of ~1 KiB each, 1 in 64 silent beyond the not-reporting threshold, the last
# tenth, at most 100,000, under a "retiring" rule silent for hours); then, on a gateway over it: times the agents API
# (summary, first page by lastSeen both ways, a search by id prefix, one agent: first call and median of 5);
# measures the heartbeat p99 under an open-loop load of AGENTS_LOAD_RATE=1000 heartbeats/s from
# AGENTS_LOAD_AGENTS=10000 of these agents (FleetLoad) for AGENTS_LOAD_SECONDS=30 s, quiet and then while the
# auto-delete job deletes the retiring agents (their rule given an auto-delete time 2 s into that run; the quiet run
# has 30 s of warm-up first, the sweep's run SWEEP_WARMUP_S); and times the sweep (from the rule change to the job's
# log line, so including up to 1 s of waiting for its next run; and as the job logs it, when it does).
# AGENTS_BASELINE_JAR (another build, e.g. of main): measured first, each build on its own copy of the store as
# filled, so that both meet the same rows in the same run (the baseline creates the schema: it must not know
# migrations the build lacks). With SMOKE=1 (after the fleet and storm smokes): 6,000 agents (600 retiring: several
# batches of the job), a few seconds of load, failing unless every retiring agent is deleted with every heartbeat
# answered 2xx; its report is agents-report.md.

AGENTS_REPORT=report.md
if [[ $SMOKE == 1 ]]; then
  AGENTS_COUNT=${AGENTS_COUNT:-6000}
  AGENTS_LOAD_AGENTS=${AGENTS_LOAD_AGENTS:-100}
  AGENTS_LOAD_RATE=${AGENTS_LOAD_RATE:-100}
  AGENTS_LOAD_SECONDS=${AGENTS_LOAD_SECONDS:-3}
  AGENTS_QUIET_WARMUP_S=${AGENTS_QUIET_WARMUP_S:-1}
  SWEEP_WARMUP_S=${SWEEP_WARMUP_S:-1}
  AGENTS_REPORT=agents-report.md
fi
AGENTS_COUNT=${AGENTS_COUNT:-1000000}
AGENTS_LOAD_AGENTS=${AGENTS_LOAD_AGENTS:-10000}
AGENTS_LOAD_RATE=${AGENTS_LOAD_RATE:-1000}
AGENTS_LOAD_SECONDS=${AGENTS_LOAD_SECONDS:-30}
AGENTS_BASELINE_JAR=${AGENTS_BASELINE_JAR:-}
AGENTS_OWNER=(--owner-username bench-owner --owner-password bench-password-123)
SWEEP_DEADLINE_S=600
AGENTS_QUIET_WARMUP_S=${AGENTS_QUIET_WARMUP_S:-30}
# The generator of the sweep's run is a new JVM. Unwarmed, its first seconds raised the p99 measured during the
# sweep to 136-240 ms on PostgreSQL, where a warm one saw 20-30 ms.
SWEEP_WARMUP_S=${SWEEP_WARMUP_S:-10}

# The rule AgentsAtScale fill gives the retiring agents (its RETIRING_RULE).
RETIRING_RULE=00000000-0000-4000-8000-00000000beef

agents_load() { # HEARTBEAT_PORT TOKENS_FILE PHASE WARMUP_SECONDS
  java -cp "$BENCH_CP" io.heartgate.bench.FleetLoad "$1" "$2" "$BODY" "$AGENTS_LOAD_AGENTS" "$AGENTS_LOAD_RATE" \
    "$AGENTS_LOAD_SECONDS" 64 2 "$4" 2>>"$OUT/agents-load.log" | tee -a "$OUT/agents-load.log" | grep '^RESULT' \
    || die "the load generator failed ($3), see $OUT/agents-load.log"
}

retire() { # API_PORT COOKIE_FILE SECONDS: the retiring rule's auto-delete time
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -b "$2" -X PATCH -H 'Content-Type: application/json' \
    -d "{\"autoDeleteAfterSeconds\":$3}" "http://127.0.0.1:$1/api/reporting-rules/$RETIRING_RULE")
  [[ $status == 200 ]] || die "PATCH of the retiring rule answered $status"
}

# agents_measure STORE BUILD JAR TOKENS: one build on the filled store; records an AGENTS line
agents_measure() {
  local store=$1 build=$2 tokens=$4 saved_jar=$JAR timings quiet swept sweep_ms load_pid t0 log_line
  local cookie=$OUT/agents-cookie-$store-$build.txt
  JAR=$3
  start_gateway "agents-$store-$build" "$store" agents "${AGENTS_OWNER[@]}" --agent-sweep-interval 1
  JAR=$saved_jar
  local gw_log=$OUT/gateway-agents-$store-$build.log
  # One agent from the middle of the fleet; a search matching ten ids (fleet-agent-0001230 to -0001239).
  timings=$(java -cp "$BENCH_CP" io.heartgate.bench.AgentsAtScale timings "$GW_API" \
    "$(printf 'fleet-agent-%07d' $((AGENTS_COUNT / 2 + 1)))" fleet-agent-000123 2>>"$OUT/agents-timings.log" \
    | grep '^RESULT') \
    || die "timing the agents API failed ($store $build), see $OUT/agents-timings.log"
  log "$store $build: ${timings#RESULT }"
  # The fill writes agents by SQL, past the heartbeat writer: a search that misses them would time nothing.
  [[ $(value search_page "$timings") == 10 ]] || die "the search found $(value search_page "$timings") agents, not 10"
  curl -s -o /dev/null -c "$cookie" -H 'Content-Type: application/json' \
    -d '{"username":"bench-owner","password":"bench-password-123"}' "http://127.0.0.1:$GW_API/api/auth/login/local"
  # Quiet, after a warm-up of both JVMs; then, after a warm-up of the new generator, while the job deletes the
  # retiring agents from 2 s into the measured seconds.
  quiet=$(agents_load "$GW_HB" "$tokens" quiet "$AGENTS_QUIET_WARMUP_S")
  agents_load "$GW_HB" "$tokens" sweep "$SWEEP_WARMUP_S" >"$OUT/agents-sweep-load-$store-$build.txt" &
  load_pid=$!
  sleep $((SWEEP_WARMUP_S + 2))
  t0=$(now_ms)
  retire "$GW_API" "$cookie" 3600
  log_line=""
  while [[ -z $log_line && $(( $(now_ms) - t0 )) -lt $((SWEEP_DEADLINE_S * 1000)) ]]; do
    log_line=$(grep -m1 'auto-deleted [0-9]* agents' "$gw_log" || true)
    [[ -n $log_line ]] || sleep 0.05
  done
  [[ -n $log_line ]] || die "no sweep within $SWEEP_DEADLINE_S s, see $gw_log"
  sweep_ms=$(( $(now_ms) - t0 ))
  wait "$load_pid" || die "the load during the sweep failed"
  swept=$(grep '^RESULT' "$OUT/agents-sweep-load-$store-$build.txt")
  stop_pid "$GW_PID"
  local deleted batches job_ms
  deleted=$(sed -n 's/.*auto-deleted \([0-9]*\) agents.*/\1/p' <<<"$log_line")
  batches=$(sed -n 's/.*(\([0-9]*\) batches.*/\1/p' <<<"$log_line")
  job_ms=$(sed -n 's/.* batches, \([0-9]*\) ms).*/\1/p' <<<"$log_line")
  record "AGENTS target=$store build=$build ${timings#RESULT } sweep_deleted=$deleted sweep_batches=${batches:-1}" \
    "sweep_ms=$sweep_ms sweep_job_ms=${job_ms:--}" \
    "quiet_p99_us=$(value p99_us "$quiet") quiet_max_us=$(value max_us "$quiet")" \
    "quiet_non2xx=$(value non2xx "$quiet") quiet_failed=$(value failed "$quiet")" \
    "sweep_p99_us=$(value p99_us "$swept") sweep_max_us=$(value max_us "$swept") sweep_non2xx=$(value non2xx "$swept")" \
    "sweep_failed=$(value failed "$swept")"
  log "$store $build: swept $deleted agents in $sweep_ms ms; heartbeat p99 quiet $(value p99_us "$quiet") us," \
    "during the sweep $(value p99_us "$swept") us"
}

AGENTS_STORES=()
for store in $STORES; do
  if [[ $store == postgres ]]; then
    { [[ -n ${PG_PORT:-} ]] || start_postgres; } && AGENTS_STORES+=(postgres) && pg_sql "CREATE DATABASE agents"
  else
    AGENTS_STORES+=("$store")
  fi
done
[[ ${#AGENTS_STORES[@]} -gt 0 ]] || die "no store to run on (STORES=$STORES)"
BUILDS=(current)
[[ -n $AGENTS_BASELINE_JAR ]] && BUILDS=(baseline current)

# A copy of the filled store for each build: refilling the store the first build had swept left the second one a
# worse store, on which the same jar measured a heartbeat p99 during the sweep of 144 ms against 92 (SQLite).
fresh_copy() { # STORE
  if [[ $1 == postgres ]]; then
    pg_sql "DROP DATABASE IF EXISTS agents" && pg_sql "CREATE DATABASE agents TEMPLATE agents_filled STRATEGY FILE_COPY"
  else
    rm -f "$OUT/agents.db" "$OUT/agents.db-wal" "$OUT/agents.db-shm"
    cp "$OUT/agents-filled.db" "$OUT/agents.db"
    if [[ -e $OUT/agents-filled.db-wal ]]; then cp "$OUT/agents-filled.db-wal" "$OUT/agents.db-wal"; fi
    sync # not written back by the kernel during the measurement
  fi
}

for store in "${AGENTS_STORES[@]}"; do
  where=$OUT/agents.db
  [[ $store == postgres ]] && where=$PG_PORT/agents
  first_jar=${AGENTS_BASELINE_JAR:-$JAR}
  # The schema and the owner, by the first build to be measured; then the rows.
  saved_jar=$JAR; JAR=$first_jar
  start_gateway "agents-$store-schema" "$store" agents "${AGENTS_OWNER[@]}"
  JAR=$saved_jar
  stop_pid "$GW_PID"
  tokens=$OUT/agents-tokens-$store.txt
  java -jar "$first_jar" create-tokens --database "$(database_url "$store" agents)" --user bench-owner \
    --count "$AGENTS_LOAD_AGENTS" --name-prefix fleet --permissions telegraf-agent --output "$tokens" \
    >"$OUT/agents-create-tokens-$store.log" 2>&1 || die "create-tokens failed, see $OUT/agents-create-tokens-$store.log"
  # Agents seen within a minute of a time ahead of the run, so that they stay fresh through it.
  fresh_until=$(( $(now_ms) + 3 * 3600 * 1000 ))
  log "$store: filling $AGENTS_COUNT agents"
  fill=$(java -cp "$BENCH_CP" io.heartgate.bench.AgentsAtScale fill "$store" "$where" "$AGENTS_COUNT" "$BODY" \
    "$fresh_until" 2>>"$OUT/agents-fill.log" | grep '^RESULT') || die "the fill failed, see $OUT/agents-fill.log"
  log "$store: ${fill#RESULT }"
  if [[ $store == postgres ]]; then
    pg_sql "ALTER DATABASE agents RENAME TO agents_filled"
  else
    mv "$OUT/agents.db" "$OUT/agents-filled.db"
    if [[ -e $OUT/agents.db-wal ]]; then mv "$OUT/agents.db-wal" "$OUT/agents-filled.db-wal"; fi
    rm -f "$OUT/agents.db-shm"
  fi
  for build in "${BUILDS[@]}"; do
    fresh_copy "$store" || die "copying the filled store failed ($store)"
    build_jar=$JAR
    [[ $build == baseline ]] && build_jar=$AGENTS_BASELINE_JAR
    agents_measure "$store" "$build" "$build_jar" "$tokens"
  done
done

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
{
  title="Heartgate agents at scale"
  [[ $SMOKE == 1 ]] && title+=" (smoke: figures of a few seconds, not to be read as results)"
  echo "# $title, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $CORES cores ($CPU), $MEM_MIB MiB memory. Java: $(java -version 2>&1 | head -1)."
  echo "${PG_VERSION:+PostgreSQL: $PG_VERSION (fsync on, default settings). }Store: $AGENTS_COUNT agents filled by SQL."
  echo "Times: first call and median of 5, as the owner, no load. Heartbeats: FleetLoad, open loop, $AGENTS_LOAD_RATE/s"
  echo "from $AGENTS_LOAD_AGENTS agents for $AGENTS_LOAD_SECONDS s, quiet and then while the auto-delete job deletes the"
  echo "retiring agents from 2 s in, after a warm-up of $SWEEP_WARMUP_S s (sweep ms: from the rule change to the"
  echo "job's log line, including up to 1 s before its next run; in brackets as the job logs it, when it does)."
  echo
  echo "| store | build | summary ms | newest page ms | oldest page ms | search by id prefix ms | one agent ms | agents deleted | batches | sweep ms (job) | heartbeat p99 ms quiet / during the sweep | max ms quiet / during the sweep | non-2xx + unanswered during the sweep |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for store in "${AGENTS_STORES[@]}"; do
    for build in "${BUILDS[@]}"; do
      l=$(grep "^AGENTS target=$store build=$build " "$RESULTS") || continue
      printf '| %s | %s | %s / %s | %s / %s | %s / %s | %s / %s | %s / %s | %s | %s | %s (%s) | %s / %s | %s / %s | %s + %s |\n' \
        "$store" "$build" "$(value summary_first_ms "$l")" "$(value summary_median_ms "$l")" \
        "$(value newest_first_ms "$l")" "$(value newest_median_ms "$l")" "$(value oldest_first_ms "$l")" \
        "$(value oldest_median_ms "$l")" "$(value search_first_ms "$l")" "$(value search_median_ms "$l")" \
        "$(value agent_first_ms "$l")" "$(value agent_median_ms "$l")" "$(value sweep_deleted "$l")" \
        "$(value sweep_batches "$l")" "$(value sweep_ms "$l")" "$(value sweep_job_ms "$l")" \
        "$(ms "$(value quiet_p99_us "$l")")" "$(ms "$(value sweep_p99_us "$l")")" "$(ms "$(value quiet_max_us "$l")")" \
        "$(ms "$(value sweep_max_us "$l")")" "$(value sweep_non2xx "$l")" \
        "$(value sweep_failed "$l")"
    done
  done
  echo
  echo "Times are first / median of 5 in ms. Targets (issue 15): summary ≤ 250 ms, list page and search ≤ 50 ms,"
  echo "heartbeat p99 ≤ 100 ms during the sweep."
} >"$OUT/$AGENTS_REPORT"
cp "$OUT/$AGENTS_REPORT" "$ROOT/target/bench/$AGENTS_REPORT"
echo
cat "$OUT/$AGENTS_REPORT"
log "report written to $OUT/$AGENTS_REPORT (raw figures in $RESULTS)"

if [[ $SMOKE == 1 ]]; then
  # As many as AgentsAtScale fill puts under the retiring rule: the last tenth, at most 100,000.
  retiring=$(( AGENTS_COUNT / 10 < 100000 ? AGENTS_COUNT / 10 : 100000 ))
  for store in "${AGENTS_STORES[@]}"; do
    l=$(grep "^AGENTS target=$store build=current " "$RESULTS")
    [[ $(value sweep_deleted "$l") == "$retiring" && $(value quiet_non2xx "$l") == 0 \
      && $(value quiet_failed "$l") == 0 && $(value sweep_non2xx "$l") == 0 && $(value sweep_failed "$l") == 0 ]] \
      || die "smoke: $store deleted $(value sweep_deleted "$l") of $retiring retiring agents; non-2xx + unanswered" \
        "$(value quiet_non2xx "$l") + $(value quiet_failed "$l") quiet, $(value sweep_non2xx "$l") +" \
        "$(value sweep_failed "$l") during the sweep"
  done
  log "agents smoke passed on ${AGENTS_STORES[*]}"
fi
