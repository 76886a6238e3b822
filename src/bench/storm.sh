# The storm scenario of src/bench/run.sh (SCENARIO=storm, and after the fleet scenario with SMOKE=1): sourced by
# run.sh once the jar and the bench classes are built, with its helpers (start_postgres, start_gateway, stop_pid,
# cpu_ticks, rss_kib, record, value, log, die). See the header of run.sh for what it measures and its settings.

STORM_JAVA=(java)
if [[ $SMOKE == 1 ]]; then
  STORM_GET_AGENTS=${STORM_GET_AGENTS:-300}
  STORM_HEAD_AGENTS=${STORM_HEAD_AGENTS:-3000}
  STORM_DURATION=${STORM_DURATION:-3}
  STORM_HEAD_RATE=${STORM_HEAD_RATE:-200}
  STORM_WARMUP=${STORM_WARMUP:-0}
  STORM_CONNECTIONS=${STORM_CONNECTIONS:-16}
  STORM_JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
fi
STORM_GET_AGENTS=${STORM_GET_AGENTS:-10000}
STORM_GET_SECONDS=${STORM_GET_SECONDS:-1}
STORM_HEAD_AGENTS=${STORM_HEAD_AGENTS:-100000}
STORM_PERIOD=${STORM_PERIOD:-60}
STORM_HEAD_RATE=${STORM_HEAD_RATE:-$(awk -v n="$STORM_HEAD_AGENTS" -v p="$STORM_PERIOD" 'BEGIN { printf "%.1f", n / p }')}
STORM_DURATION=${STORM_DURATION:-60}
STORM_WARMUP=${STORM_WARMUP:-10}
STORM_CONNECTIONS=${STORM_CONNECTIONS:-512}
STORM_THREADS=${STORM_THREADS:-2}
STORM_ROUNDS=${STORM_ROUNDS:-1}
# 1: the storm downloads one config; more: a config group of that config and STORM_MEMBERS - 1 small ones.
STORM_MEMBERS=${STORM_MEMBERS:-1}
[[ $STORM_MEMBERS =~ ^[0-9]+$ && $STORM_MEMBERS -ge 1 && $STORM_MEMBERS -le 100 ]] \
  || die "STORM_MEMBERS must be 1 to 100 (a group holds at most 100 configs), not $STORM_MEMBERS"
STORM_OWNER=(--owner-username bench-owner --owner-password bench-password-123)
# Builds measured, each on its own fresh store: this one, and STORM_BASELINE_JAR's when given (interleaved).
STORM_BUILDS=(current)
[[ -n ${STORM_BASELINE_JAR:-} ]] && STORM_BUILDS=(baseline current)
[[ -z ${STORM_BASELINE_JAR:-} || -f $STORM_BASELINE_JAR ]] || die "STORM_BASELINE_JAR $STORM_BASELINE_JAR is missing"

STORM_STORES=()
for store in $STORES; do
  if [[ $store == postgres ]]; then
    # The fleet smoke before may have started the cluster already.
    if [[ -n ${PG_PORT:-} ]] || start_postgres; then STORM_STORES+=(postgres); fi
  else
    STORM_STORES+=("$store")
  fi
done
[[ ${#STORM_STORES[@]} -gt 0 ]] || die "no store to run on (STORES=$STORES)"

# storm_run STORE BUILD ROUND: a fresh store and gateway, the config, the load; records one STORM line per phase
storm_run() {
  local db=storm_$2_$3 jar=$JAR setup path token before after phase line metrics
  [[ $2 == baseline ]] && jar=$STORM_BASELINE_JAR
  if [[ $1 == postgres ]]; then
    pg_sql "CREATE DATABASE $db" || die "could not create the database $db"
  fi
  JAR=$jar start_gateway "storm-$1-$2-$3" "$1" "$db" "${STORM_OWNER[@]}"
  setup=$("${STORM_JAVA[@]}" -cp "$BENCH_CP" io.heartgate.bench.Provisioner storm-setup "$GW_API" "$STORM_MEMBERS" \
    2>>"$OUT/storm-setup.log" | grep '^RESULT') || die "storm setup failed, see $OUT/storm-setup.log"
  path=$(value path "$setup")
  token=$(value token "$setup")
  log "$1 ($2 build, round $3): $STORM_GET_AGENTS GETs in $STORM_GET_SECONDS s, then HEAD at $STORM_HEAD_RATE/s" \
    "for $STORM_DURATION s ($STORM_HEAD_AGENTS agents), after $STORM_WARMUP s of warm-up"
  before=$(cpu_ticks "$1" "$GW_PID")
  "${STORM_JAVA[@]}" -cp "$BENCH_CP" io.heartgate.bench.StormLoad "$GW_API" "$token" "$path" \
    "$STORM_GET_AGENTS" "$STORM_GET_SECONDS" "$STORM_HEAD_RATE" "$STORM_HEAD_AGENTS" "$STORM_DURATION" \
    "$STORM_CONNECTIONS" "$STORM_THREADS" "$STORM_WARMUP" 2>>"$OUT/storm-load.log" >"$OUT/storm-$1-$2-$3.txt" \
    || die "the storm load failed, see $OUT/storm-load.log"
  after=$(cpu_ticks "$1" "$GW_PID")
  metrics=$("${STORM_JAVA[@]}" -cp "$BENCH_CP" io.heartgate.bench.Provisioner render-metrics "$GW_API" \
    2>>"$OUT/storm-setup.log" | grep '^RESULT') || die "reading the metrics failed, see $OUT/storm-setup.log"
  for phase in get head; do
    line=$(grep "^RESULT phase=$phase " "$OUT/storm-$1-$2-$3.txt") || die "no $phase result, see $OUT/storm-$1-$2-$3.txt"
    record "STORM target=$1 build=$2 round=$3 ${line#RESULT }"
  done
  record "STORMRUN target=$1 build=$2 round=$3 cpu_ticks=$((after - before)) peak_kib=$(rss_kib "$GW_PID" VmHWM)" \
    "${metrics#RESULT }"
  stop_pid "$GW_PID"
  log "$1 ($2): GET p99 $(value p99_us "$(grep "^STORM target=$1 build=$2 round=$3 phase=get " "$RESULTS")") us," \
    "HEAD p99 $(value p99_us "$(grep "^STORM target=$1 build=$2 round=$3 phase=head " "$RESULTS")") us;" \
    "store reads $(value store_reads "$metrics"), cache hits $(value cache_hits "$metrics")"
}

# Interleaved: round by round, store by store, each build in turn, so that a noisy neighbour disturbs them alike.
for ((round = 1; round <= STORM_ROUNDS; round++)); do
  for store in "${STORM_STORES[@]}"; do
    for build in "${STORM_BUILDS[@]}"; do
      storm_run "$store" "$build" "$round"
    done
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

storm_ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
{
  title="Heartgate config download storm"
  [[ $SMOKE == 1 ]] && title+=" (smoke: figures of a few seconds, not to be read as results)"
  echo "# $title, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $CORES cores ($CPU), $MEM_MIB MiB memory; load average before $LOAD_BEFORE, after $LOAD_AFTER."
  echo "Java: $(java -version 2>&1 | head -1). ${PG_VERSION:+PostgreSQL: $PG_VERSION (fsync on, default settings).}"
  echo "Load (StormLoad, open loop, $STORM_CONNECTIONS connections, $STORM_THREADS event loops, on the same machine): one config of"
  group=""
  [[ $STORM_MEMBERS -gt 1 ]] && group=", in a config group after which $((STORM_MEMBERS - 1)) small configs using another constant follow, the group downloaded"
  echo "about 1.5 KB with an &{agent_id} parameter and a ::{constant}$group;"
  echo "after $STORM_WARMUP s of warm-up GETs, GET by"
  echo "$STORM_GET_AGENTS distinct agents offered within $STORM_GET_SECONDS s, then HEAD with If-Modified-Since at"
  echo "$STORM_HEAD_RATE/s for $STORM_DURATION s, agent after agent of $STORM_HEAD_AGENTS. Latency from each request's intended"
  echo "send time. Builds: current = this jar${STORM_BASELINE_JAR:+, baseline = $STORM_BASELINE_JAR}; each run on a fresh store."
  echo "Answered in s: from the phase's start to its last answer. CPU: the gateway's (for postgres: plus PostgreSQL's)"
  echo "over the whole run, warm-up included, per download answered. Store reads, cache: the gateway's meters"
  echo "(heartgate_config_render_*), whole run; '-' where the build has none."
  echo
  echo "| store | build | round | GET answered/s (answered in s) | GET p50 / p99 / max ms | HEAD answered/s | HEAD p50 / p99 / max ms | 2xx / 304 / other / failed | CPU µs per download | store reads | cache hits / misses | peak RSS MiB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for ((round = 1; round <= STORM_ROUNDS; round++)); do
    for store in "${STORM_STORES[@]}"; do
      for build in "${STORM_BUILDS[@]}"; do
        g=$(grep "^STORM target=$store build=$build round=$round phase=get " "$RESULTS")
        h=$(grep "^STORM target=$store build=$build round=$round phase=head " "$RESULTS")
        r=$(grep "^STORMRUN target=$store build=$build round=$round " "$RESULTS")
        answered=$(( $(value ok "$g") + $(value not_modified "$g") + $(value other "$g") + $(value ok "$h") \
          + $(value not_modified "$h") + $(value other "$h") ))
        printf '| %s | %s | %s | %.0f (%s) | %s / %s / %s | %.0f | %s / %s / %s | %s / %s / %s / %s | %s | %s | %s / %s | %s |\n' \
          "$store" "$build" "$round" "$(value answered_rate "$g")" "$(value answered_s "$g")" \
          "$(storm_ms "$(value p50_us "$g")")" "$(storm_ms "$(value p99_us "$g")")" "$(storm_ms "$(value max_us "$g")")" \
          "$(value answered_rate "$h")" \
          "$(storm_ms "$(value p50_us "$h")")" "$(storm_ms "$(value p99_us "$h")")" "$(storm_ms "$(value max_us "$h")")" \
          "$(( $(value ok "$g") + $(value ok "$h") ))" "$(( $(value not_modified "$g") + $(value not_modified "$h") ))" \
          "$(( $(value other "$g") + $(value other "$h") ))" "$(( $(value failed "$g") + $(value failed "$h") ))" \
          "$(awk -v t="$(value cpu_ticks "$r")" -v n="$answered" -v hz="$CLK_TCK" \
            'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else printf "-" }')" \
          "$(value store_reads "$r")" "$(value cache_hits "$r")" "$(value cache_misses "$r")" \
          "$(awk -v k="$(value peak_kib "$r")" 'BEGIN { printf "%.0f", k / 1024 }')"
      done
    done
  done
} >"$OUT/storm-report.md"
cp "$OUT/storm-report.md" "$ROOT/target/bench/storm-report.md"
echo
cat "$OUT/storm-report.md"
log "report written to $OUT/storm-report.md (raw figures in $RESULTS)"

if [[ $SMOKE == 1 ]]; then
  for store in "${STORM_STORES[@]}"; do
    for phase in get head; do
      l=$(grep "^STORM target=$store build=current round=1 phase=$phase " "$RESULTS")
      [[ $(value other "$l") == 0 && $(value failed "$l") == 0 && $(value ok "$l") -gt 0 \
        && $(( $(value ok "$l") + $(value not_modified "$l") )) == "$(value sent "$l")" ]] \
        || die "smoke: $store $phase answered $(value ok "$l") 2xx and $(value not_modified "$l") 304 of $(value sent "$l")"
    done
    # Every download answered 200 looked the cache up once a member; reads are shared, so never more than downloads
    # (how many fewer depends on how much the downloads overlap, which a few seconds at smoke rates do not decide).
    r=$(grep "^STORMRUN target=$store build=current round=1 " "$RESULTS")
    [[ $(value store_reads "$r") != - && $(value store_reads "$r") -le $(value downloads_ok "$r") \
      && $(( $(value cache_hits "$r") + $(value cache_misses "$r") )) == $(( $(value downloads_ok "$r") * STORM_MEMBERS )) ]] \
      || die "smoke: $store: $(value store_reads "$r") store reads, $(value cache_hits "$r") cache hits and" \
        "$(value cache_misses "$r") misses for $(value downloads_ok "$r") downloads"
  done
  log "storm smoke passed on ${STORM_STORES[*]}"
fi
