#!/usr/bin/env bash
# Heartgate heartbeat benchmark. One command, from a clean clone:
#
#   src/bench/run.sh
#
# Builds the jar, starts a bare Vert.x server (the machine's ceiling) and the gateway on a fresh SQLite file and,
# when the PostgreSQL server binaries are installed, on a throwaway PostgreSQL cluster; provisions AGENTS agents
# with a telegraf-agent token each; drives POST /agents/heartbeat with wrk at each connection count; measures the
# heartbeat p99 at LOGIN_FLOOD_CONNECTIONS connections quiet and then during a login flood (LOGIN_FLOOD clients,
# a second wrk with src/bench/login-flood.lua, failing POST /api/auth/login/local in a closed loop); checks the
# store; then registers SCALE_AGENTS agents on fresh gateways (memory, GET /api/agents/summary time). Prints the
# report and writes it to target/bench/<time>/report.md (and target/bench/report.md).
#
# Settings (environment): AGENTS=10000 DURATION=20 (seconds per connection count) WARMUP=15 (at 64 connections, then 5 s
# at a time at the largest count until the JIT compilers spent less than WARMUP_QUIET_MS=250 ms in them, at most
# WARMUP_MORE=60 s more) CONNECTIONS="64 256 1024"
# WRK_THREADS=2 STORES="sqlite postgres" SCALE_AGENTS=100000 (0 skips scenario 2) SKIP_BUILD=1 (reuse the jar)
# GATEWAY_JAVA_OPTS="-Xmx256m" (JVM flags of the gateway; set it empty for the JVM's defaults) PG_POOL_SIZE (DATABASE_POOL_SIZE of the gateway, default 8)
# HEARTGATE_JAR (another build of the gateway to measure, e.g. to compare two commits; implies SKIP_BUILD=1).
# Login flood, on every gateway target (about 2 x LOGIN_FLOOD_DURATION + 4 s each): LOGIN_FLOOD=200 (concurrent
# clients failing logins; 0 skips the step) LOGIN_FLOOD_CONNECTIONS=256 (heartbeat connections meanwhile)
# LOGIN_FLOOD_DURATION=10 (seconds of the quiet and of the flooded heartbeat run each) LOGIN_FLOOD_ADDRESSES=1000
# (client addresses the logins claim in X-Forwarded-For, the gateway trusting 127.0.0.1 as a proxy; 0: one address).
#
# SCENARIO=fleet (src/bench/fleet.sh) runs instead a million distinct agents on one node, on each store of STORES:
# provisions FLEET_AGENTS=1000000 telegraf-agent tokens with the create-tokens command, then drives them with
# src/bench/java/io/heartgate/bench/FleetLoad.java (open loop: a constant FLEET_RATE, default FLEET_AGENTS/60, i.e.
# every agent every 60 s; latency measured from each request's intended send time) for FLEET_DURATION=600 s after
# FLEET_WARMUP=10 s over FLEET_CONNECTIONS=256 connections (FLEET_THREADS=2 event loops), and reports the
# acknowledged rate, p50/p99/p999, non-2xx, RSS and heap after a full GC, bytes per cached grant, store size, CPU per
# heartbeat and the times of the agents API afterwards. No wrk. FLEET_TOKENS (default FLEET_AGENTS): fewer tokens,
# shared by the agents in turn (agent i uses token i mod FLEET_TOKENS), e.g. FLEET_TOKENS=100 for a fleet sharing 100.
# Its gateway's JVM flags: GATEWAY_JAVA_OPTS (default -Xmx768m for this scenario, chosen when a cached grant took
# ~570 bytes; about 240 since issue 15, see SCENARIO=grants).
# SCENARIO=storm (src/bench/storm.sh) runs instead config downloads under a fleet restart, on each store of STORES:
# one config with an &{agent_id} parameter and a ::{constant}; STORM_GET_AGENTS=10000 distinct agents GET it offered
# within STORM_GET_SECONDS=1 s, then HEAD polls with If-Modified-Since at STORM_HEAD_AGENTS=100000 agents every
# STORM_PERIOD=60 s (STORM_HEAD_RATE, default 1,667/s) for STORM_DURATION=60 s, after STORM_WARMUP=10 s of warm-up GETs,
# over STORM_CONNECTIONS=512 connections (StormLoad, open loop like FleetLoad, STORM_THREADS=2 event loops); reports
# the answered rate, p50/p99/max for GET and HEAD, answers by kind, CPU per download, and the gateway's render cache
# and store-read meters. STORM_BASELINE_JAR (another build, e.g. of main) is measured too, interleaved with this one
# on fresh stores; STORM_ROUNDS=1 times over. STORM_MEMBERS=20 downloads a config group of that config and 19 small
# ones instead.
# SCENARIO=agents (src/bench/agents.sh): a million agents filled by SQL, the agents API timed on them, and the
# heartbeat p99 while the auto-delete job deletes 100,000 of them; see the header of agents.sh.
# SCENARIO=grants (src/bench/grants.sh): the token cache's bytes per cached grant and the gateway's RSS with
# GRANTS_TOKENS=200000 distinct tokens each used once; see the header of grants.sh.
# SMOKE=1: the fleet scenario in seconds (300 agents, 3 s, both stores when PostgreSQL is installed), failing on any
# non-2xx, unanswered request or unregistered agent, then the storm scenario in seconds (300 GETs, 3 s of HEAD),
# failing on any answer but 2xx/304 or on render meters that do not add up, then the agents scenario in seconds
# (6,000 agents), failing unless the auto-delete job deletes every retiring agent with every heartbeat answered 2xx:
# CI runs it so that the benchmark cannot rot (SMOKE=1 SCENARIO=storm or SCENARIO=agents: that smoke alone).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
AGENTS=${AGENTS:-10000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-15}
CONNECTIONS=${CONNECTIONS:-64 256 1024}
WRK_THREADS=${WRK_THREADS:-2}
WARMUP_QUIET_MS=${WARMUP_QUIET_MS:-250}
WARMUP_MORE=${WARMUP_MORE:-60}
STORES=${STORES:-sqlite postgres}
SCALE_AGENTS=${SCALE_AGENTS:-100000}
SCALE_TOKENS=${SCALE_TOKENS:-100}
LOGIN_FLOOD=${LOGIN_FLOOD:-200}
LOGIN_FLOOD_CONNECTIONS=${LOGIN_FLOOD_CONNECTIONS:-256}
LOGIN_FLOOD_DURATION=${LOGIN_FLOOD_DURATION:-10}
LOGIN_FLOOD_ADDRESSES=${LOGIN_FLOOD_ADDRESSES:-1000}
# Seconds the login flood runs before the heartbeat run starts and after it ends, so that it covers all of it.
LOGIN_FLOOD_MARGIN=2
SMOKE=${SMOKE:-0}
if [[ $SMOKE == 1 ]]; then SCENARIO=${SCENARIO:-fleet}; fi
SCENARIO=${SCENARIO:-matrix}
[[ $SCENARIO == matrix || $SCENARIO == fleet || $SCENARIO == storm || $SCENARIO == agents || $SCENARIO == grants ]] \
  || { echo "SCENARIO must be matrix, fleet, storm, agents or grants" >&2; exit 2; }
[[ $SMOKE != 1 || $SCENARIO != matrix ]] || { echo "SMOKE=1 runs the fleet, storm or agents scenario" >&2; exit 2; }
# A million cached grants need more heap than the matrix's 10,000 agents (see the README's sizing). The smoke's
# JVMs live seconds: the C1 compiler alone starts them for less CPU.
[[ $SMOKE == 1 ]] && GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS--Xmx256m -XX:TieredStopAtLevel=1}
[[ $SCENARIO == fleet ]] && GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS--Xmx768m}
[[ $SCENARIO == grants ]] && GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS--Xmx512m}
# With no -Xmx the JVM may grow its heap to a quarter of the machine's memory, and under this load it does (peak
# RSS 520-980 MiB measured on a 24 GiB machine): the README recommends -Xmx256m to operators, the bench uses it.
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS--Xmx256m}
PG_POOL_SIZE=${PG_POOL_SIZE:-8}
BODY=$ROOT/src/test/resources/telegraf-heartbeat/heartbeat_test.TestIncludedExtraData.all.json
JAR=${HEARTGATE_JAR:-$ROOT/target/heartgate.jar}
CLASSES=$ROOT/target/bench-classes
OUT=$ROOT/target/bench/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: >"$RESULTS"

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
record() { echo "$*" >>"$RESULTS"; }
# value KEY LINE: the value of key=value in a RESULT line
value() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<" $2"; }

# ---------------------------------------------------------------------------------------------------------------
# Processes and folders this run created, cleaned up on any exit
PIDS=()
PG_BIN=""
PG_DATA=""
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n $PG_DATA && -d $PG_DATA ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------------------
# Tools
command -v java >/dev/null || die "java (17+) is required"
command -v curl >/dev/null || die "curl is required"
if [[ $SCENARIO == matrix ]] && ! command -v wrk >/dev/null; then
  [[ $(id -u) == 0 ]] || die "wrk is missing: install it (apt-get install wrk) or run as root"
  log "installing wrk (apt-get)"
  { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >"$OUT/apt.log" 2>&1 \
    || die "could not install wrk, see $OUT/apt.log"
fi
# wrk with 1024 connections and two servers need more than the usual 1024 descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true
[[ $(ulimit -n) == unlimited || $(ulimit -n) -ge 4096 ]] || log "warning: ulimit -n is $(ulimit -n)"

if [[ -z ${HEARTGATE_JAR:-} && ( ${SKIP_BUILD:-0} != 1 || ! -f $JAR ) ]]; then
  command -v mvn >/dev/null || die "maven is required to build the jar"
  log "building the jar (mvn -B -q package -DskipTests)"
  mvn -B -q package -DskipTests >"$OUT/build.log" 2>&1 || die "build failed, see $OUT/build.log"
fi
log "compiling the bench sources (src/bench/java) against the jar"
rm -rf "$CLASSES" && mkdir -p "$CLASSES"
javac -J-XX:TieredStopAtLevel=1 -nowarn -cp "$JAR" -d "$CLASSES" "$ROOT"/src/bench/java/io/heartgate/bench/*.java >"$OUT/javac.log" 2>&1 \
  || { cat "$OUT/javac.log" >&2; die "bench sources do not compile"; }
BENCH_CP="$JAR:$CLASSES"

# Ports are handed out from one counter below the ephemeral range (where client sockets of this run would take
# them), so two listeners of this run never get the same one, nor a port a connection is using.
EPHEMERAL_LOW=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
NEXT_PORT=$((EPHEMERAL_LOW > 12000 ? 10000 + RANDOM % (EPHEMERAL_LOW - 12000) : 20000 + RANDOM % 10000))
port_in_use() {
  if command -v ss >/dev/null; then [[ -n $(ss -Htan "( sport = :$1 )" 2>/dev/null) ]]
  else (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; fi
}
free_port() {
  while port_in_use "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
  PORT_OUT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}

wait_http() { # URL SECONDS PID
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -s -o /dev/null -m 1 "$1" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

CLK_TCK=$(getconf CLK_TCK)
# CPU time (ticks) of a process; for the postgres target also of every PostgreSQL server process.
cpu_ticks() {
  local total pid
  total=$(awk '{print $14 + $15}' "/proc/$2/stat" 2>/dev/null || echo 0)
  if [[ $1 == postgres && -n ${PG_PID:-} ]]; then
    for pid in $PG_PID $(cat "/proc/$PG_PID/task/$PG_PID/children" 2>/dev/null); do
      total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
  fi
  echo "$total"
}

# jit_ms PID: milliseconds the JVM's JIT compilers have spent so far (jstat). A run during which they still compile
# much measures a server not yet warm, which costs the gateway (a large program) far more than the bare server.
jit_ms() { jstat -compiler "$1" 2>/dev/null | awk 'NR == 2 { printf "%.0f", $4 * 1000 }' || true; }

rss_kib() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null || echo 0; }

# heap_kib PID: the used heap after a full collection, in KiB (one jcmd for both commands: each is a JVM start),
# summed over the collector's generations: G1 reports one line, the parallel and serial collectors two
heap_kib() {
  local info
  [[ -f $OUT/heap.jcmd ]] || printf 'GC.run\nGC.heap_info\n' >"$OUT/heap.jcmd"
  info=$(jcmd "$1" -f "$OUT/heap.jcmd") || die "jcmd failed on pid $1"
  sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' <<<"$info" | awk '{ used += $1 } END { print used + 0 }'
}

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster on a free loopback port, as the tests do
start_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [[ -z $PG_BIN || ! -x $PG_BIN/initdb ]]; then
    log "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb): PostgreSQL is skipped"
    return 1
  fi
  id postgres >/dev/null 2>&1 || { log "no postgres user: PostgreSQL is skipped"; return 1; }
  [[ $(id -u) == 0 ]] || { log "not root (initdb must run as the postgres user): PostgreSQL is skipped"; return 1; }
  PG_DATA=$ROOT/target/bench/pgdata-$$
  mkdir -p "$PG_DATA" && chown postgres:postgres "$PG_DATA"
  if ! runuser -u postgres -- test -w "$PG_DATA"; then
    rm -rf "$PG_DATA"
    PG_DATA=$(mktemp -d /tmp/heartgate-bench-pg.XXXXXX)
    chown postgres:postgres "$PG_DATA"
  fi
  free_port; PG_PORT=$PORT_OUT
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust >"$OUT/initdb.log" 2>&1 \
    || die "initdb failed, see $OUT/initdb.log"
  # Durable defaults (fsync and synchronous_commit on): the gateway's 204 means committed, so measure that.
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=" start >"$OUT/pg_ctl.log" 2>&1 \
    || die "PostgreSQL did not start, see $OUT/pg_ctl.log"
  local db
  for db in bench scale fleet; do
    pg_sql "CREATE DATABASE $db"
  done
  PG_VERSION=$("$PG_BIN/postgres" --version)
  PG_PID=$(head -1 "$PG_DATA/postmaster.pid")
  log "PostgreSQL ($PG_VERSION) on 127.0.0.1:$PG_PORT, data in $PG_DATA"
}

pg_sql() { # STATEMENT: run on the bench's PostgreSQL server as its superuser
  runuser -u postgres -- "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$1" >/dev/null
}

database_url() { # STORE NAME
  if [[ $1 == sqlite ]]; then echo "sqlite:$OUT/$2.db"; else echo "postgres://postgres@127.0.0.1:$PG_PORT/$2"; fi
}

# start_gateway NAME STORE DBNAME [FLAG…]: sets GW_PID, GW_API, GW_HB
start_gateway() {
  free_port; GW_API=$PORT_OUT
  free_port; GW_HB=$PORT_OUT
  # The login flood claims its client addresses in X-Forwarded-For, which the gateway believes of a trusted proxy only.
  local proxies=()
  [[ $LOGIN_FLOOD -gt 0 && $LOGIN_FLOOD_ADDRESSES -gt 0 ]] && proxies=(TRUSTED_PROXIES=127.0.0.1)
  (cd "$OUT" && exec env "${proxies[@]}" java $GATEWAY_JAVA_OPTS -jar "$JAR" --host 127.0.0.1 --port "$GW_API" \
    --heartbeat-port "$GW_HB" --database "$(database_url "$2" "$3")" --database-pool-size "$PG_POOL_SIZE" \
    "${@:4}" >"$OUT/gateway-$1.log" 2>&1) &
  GW_PID=$!
  PIDS+=("$GW_PID")
  # Up to 10 minutes: a gateway meeting a store of a million agents first runs the migrations it lacks.
  wait_http "http://127.0.0.1:$GW_API/health/ready" 600 "$GW_PID" || die "gateway $1 did not start, see $OUT/gateway-$1.log"
  log "gateway $1 (pid $GW_PID) API :$GW_API heartbeats :$GW_HB"
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# run_wrk TARGET CONNECTIONS SECONDS PORT AGENTS_FILE [PHASE]: records one WRK line (with phase=PHASE, run by
# default) unless PHASE=warmup
run_wrk() {
  local line before after jit_before jit_after jit=-
  jit_before=$(jit_ms "${PID[$1]}")
  before=$(cpu_ticks "$1" "${PID[$1]}")
  line=$(BENCH_AGENTS=$5 BENCH_BODY=$BODY BENCH_THREADS=$WRK_THREADS \
    wrk -t"$WRK_THREADS" -c"$2" -d"$3"s --timeout 10s --latency -s "$ROOT/src/bench/heartbeat.lua" \
    "http://127.0.0.1:$4/agents/heartbeat" 2>&1 | tee "$OUT/wrk-$1-$2-${6:-run}.txt" | grep '^RESULT' || true)
  [[ -n $line ]] || die "wrk printed no result, see $OUT/wrk-$1-$2-${6:-run}.txt"
  after=$(cpu_ticks "$1" "${PID[$1]}")
  jit_after=$(jit_ms "${PID[$1]}")
  [[ -n $jit_before && -n $jit_after ]] && jit=$((jit_after - jit_before))
  if [[ ${6:-run} != warmup ]]; then
    record "WRK target=$1 c=$2 phase=${6:-run} ${line#RESULT } cpu_ticks=$((after - before)) jit_ms=$jit"
    log "$1 c=$2 ${6:-run}: $(value rps "$line") req/s, p99 $(value p99_us "$line") us, non-2xx $(value non2xx "$line")"
  fi
  local requests non2xx
  requests=$(value requests "$line"); non2xx=$(value non2xx "$line")
  ACKED[$1]=$(( ${ACKED[$1]:-0} + requests - non2xx ))
}

# ---------------------------------------------------------------------------------------------------------------
CORES=$(nproc)
MEM_MIB=$(( $(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024 ))
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
PG_VERSION=""
log "machine: $CORES cores ($CPU), $MEM_MIB MiB; load average $LOAD_BEFORE; results in $OUT"

if [[ $SCENARIO == fleet ]]; then
  source "$ROOT/src/bench/fleet.sh"
  if [[ $SMOKE == 1 ]]; then
    source "$ROOT/src/bench/storm.sh"
    source "$ROOT/src/bench/agents.sh"
  fi
  exit 0
fi
if [[ $SCENARIO == storm ]]; then
  source "$ROOT/src/bench/storm.sh"
  exit 0
fi
if [[ $SCENARIO == agents ]]; then
  source "$ROOT/src/bench/agents.sh"
  exit 0
fi
if [[ $SCENARIO == grants ]]; then
  source "$ROOT/src/bench/grants.sh"
  exit 0
fi

TARGETS=(bare)
have_pg=0
for store in $STORES; do
  if [[ $store == postgres ]]; then
    if start_postgres; then have_pg=1; TARGETS+=(postgres); fi
  else
    TARGETS+=("$store")
  fi
done

declare -A PORT API PID ACKED LAST_PHASE
# The bare server gets the same requests: same ids, same body, tokens of the same format (which it ignores).
awk -v n="$AGENTS" 'BEGIN { srand(); for (i = 1; i <= n; i++) { t = ""; for (j = 0; j < 8; j++)
  t = t sprintf("%08x", int(rand() * 4294967296)); printf "bench-agent-%06d tc-apiv1_%s\n", i, t } }' \
  >"$OUT/agents-bare.txt"
free_port; PORT[bare]=$PORT_OUT
java -cp "$BENCH_CP" io.heartgate.bench.BareServer "${PORT[bare]}" >"$OUT/bare.log" 2>&1 &
PID[bare]=$!
PIDS+=("${PID[bare]}")
wait_http "http://127.0.0.1:${PORT[bare]}/" 60 "${PID[bare]}" || die "bare server did not start, see $OUT/bare.log"

# Token creation is an audited, committed write per token: provision the gateways side by side.
PROVISIONERS=()
for target in "${TARGETS[@]}"; do
  [[ $target == bare ]] && continue
  start_gateway "$target" "$target" bench
  PORT[$target]=$GW_HB
  API[$target]=$GW_API
  PID[$target]=$GW_PID
  log "provisioning $AGENTS agent tokens on $target"
  java -cp "$BENCH_CP" io.heartgate.bench.Provisioner tokens "$GW_API" "$AGENTS" "$OUT/agents-$target.txt" \
    >"$OUT/provision-$target.log" 2>&1 &
  PROVISIONERS+=("$target:$!")
done
for p in "${PROVISIONERS[@]}"; do
  wait "${p#*:}" || die "provisioning failed, see $OUT/provision-${p%%:*}.log"
  log "${p%%:*}: $(tail -1 "$OUT/provision-${p%%:*}.log")"
done

# warm_up TARGET: WARMUP s at 64 connections, then 5 s at a time at the largest connection count measured until the
# JIT compilers spent less than WARMUP_QUIET_MS in those 5 s (at most WARMUP_MORE s more): a server measured while
# they still compile is charged for it, and the gateway, a far larger program than the bare server, far more (at
# 256 connections after 5 s of warm-up, 7.7 s of compiling in a 15 s run and 0.30 x bare; after 20 s, 1.3 s and 0.45).
warm_up() {
  local largest=64 c more=0 before after
  for c in $CONNECTIONS; do ((c > largest)) && largest=$c; done
  log "warming up $1 (${WARMUP} s, 64 connections)"
  run_wrk "$1" 64 "$WARMUP" "${PORT[$1]}" "$OUT/agents-$1.txt" warmup
  while ((more < WARMUP_MORE)); do
    before=$(jit_ms "${PID[$1]}")
    run_wrk "$1" "$largest" 5 "${PORT[$1]}" "$OUT/agents-$1.txt" warmup
    after=$(jit_ms "${PID[$1]}")
    more=$((more + 5))
    [[ -n $before && -n $after ]] && ((after - before < WARMUP_QUIET_MS)) && break
  done
  log "$1 warm after $((WARMUP + more)) s"
  WARMED+=", $1 $((WARMUP + more)) s"
}

WARMED=""
for target in "${TARGETS[@]}"; do
  warm_up "$target"
done
WARMED=${WARMED#, }

# bare_mean CONNECTIONS: one line for the bare server at that count from its runs before and after the gateways'
# (phase=mean): rates, percentiles and the JIT's time averaged, counts summed, the larger maximum.
bare_mean() {
  awk -v c="$1" '$2 == "target=bare" && $3 == "c=" c && ($4 == "phase=run" || $4 == "phase=after") {
      n++
      for (i = 5; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2]; if (kv[1] == "max_us" && kv[2] > top) top = kv[2] }
    }
    END {
      line = "WRK target=bare c=" c " phase=mean"
      for (k in v) {
        if (k == "rps" || k ~ /^p[0-9]+_us$/ || k == "duration_us" || k == "jit_ms") line = line " " k "=" v[k] / n
        else if (k == "max_us") line = line " max_us=" top
        else line = line " " k "=" v[k]
      }
      print line
    }' "$RESULTS"
}

# Interleaved, so that a noisy neighbour disturbs every target of a connection count alike; the bare server runs
# before and after the gateways, and their ratios are to the mean of its two runs, so that a machine getting
# busier or quieter during a connection count does not move them.
for c in $CONNECTIONS; do
  for target in "${TARGETS[@]}"; do
    LAST_PHASE[$target]=$(now_ms)
    run_wrk "$target" "$c" "$DURATION" "${PORT[$target]}" "$OUT/agents-$target.txt"
  done
  run_wrk bare "$c" "$DURATION" "${PORT[bare]}" "$OUT/agents-bare.txt" after
  record "$(bare_mean "$c")"
done

for target in "${TARGETS[@]}"; do
  record "RSS target=$target peak_kib=$(rss_kib "${PID[$target]}" VmHWM) now_kib=$(rss_kib "${PID[$target]}" VmRSS)"
done

# Login flood: heartbeats at LOGIN_FLOOD_CONNECTIONS, quiet and then while LOGIN_FLOOD clients fail logins. (The
# store check below still counts since the last matrix run: every agent's lastSeen only moves forward.)
if [[ $LOGIN_FLOOD -gt 0 ]]; then
  for target in "${TARGETS[@]}"; do
    [[ $target == bare ]] && continue
    run_wrk "$target" "$LOGIN_FLOOD_CONNECTIONS" "$LOGIN_FLOOD_DURATION" "${PORT[$target]}" \
      "$OUT/agents-$target.txt" quiet
    log "$target: $LOGIN_FLOOD clients failing logins on :${API[$target]}"
    BENCH_USERNAMES=1000 BENCH_ADDRESSES=$LOGIN_FLOOD_ADDRESSES wrk -t1 -c"$LOGIN_FLOOD" -d"$((LOGIN_FLOOD_DURATION + 2 * LOGIN_FLOOD_MARGIN))"s \
      --timeout 10s --latency -s "$ROOT/src/bench/login-flood.lua" \
      "http://127.0.0.1:${API[$target]}/api/auth/login/local" >"$OUT/wrk-$target-logins.txt" 2>&1 &
    flood=$!
    PIDS+=("$flood")
    sleep "$LOGIN_FLOOD_MARGIN"
    run_wrk "$target" "$LOGIN_FLOOD_CONNECTIONS" "$LOGIN_FLOOD_DURATION" "${PORT[$target]}" \
      "$OUT/agents-$target.txt" flood
    wait "$flood" || die "the login flood failed, see $OUT/wrk-$target-logins.txt"
    line=$(grep '^RESULT' "$OUT/wrk-$target-logins.txt") || die "wrk printed no result, see $OUT/wrk-$target-logins.txt"
    record "LOGINS target=$target clients=$LOGIN_FLOOD ${line#RESULT } peak_kib=$(rss_kib "${PID[$target]}" VmHWM)"
    log "$target: $(value rps "$line") failed logins/s (401: $(value s401 "$line"), 429: $(value s429 "$line"),"\
      "503: $(value s503 "$line"), other: $(value other "$line"), timeouts: $(value timeouts "$line"))"
  done
fi
stop_pid "${PID[bare]}"
for target in "${TARGETS[@]}"; do
  [[ $target == bare ]] && continue
  stop_pid "${PID[$target]}"   # graceful: drains the writer, so the store holds every acknowledged heartbeat
  if [[ $target == sqlite ]]; then where="$OUT/bench.db"; else where="$PG_PORT/bench"; fi
  line=$(java -cp "$BENCH_CP" io.heartgate.bench.StoreCheck "$target" "$where" "${LAST_PHASE[$target]}" 2>>"$OUT/check.log" \
    | grep '^RESULT') || die "store check of $target failed, see $OUT/check.log"
  record "STORE target=$target acked=${ACKED[$target]} since=${LAST_PHASE[$target]} ${line#RESULT }"
done

# ---------------------------------------------------------------------------------------------------------------
# Scenario 2: SCALE_AGENTS agents registered (by one heartbeat each, SCALE_TOKENS tokens), memory and summary time
if [[ $SCALE_AGENTS -gt 0 ]]; then
  REGISTRARS=()
  declare -A SCALE_PID SCALE_API
  for target in "${TARGETS[@]}"; do
    [[ $target == bare ]] && continue
    start_gateway "scale-$target" "$target" scale
    SCALE_PID[$target]=$GW_PID
    SCALE_API[$target]=$GW_API
    log "registering $SCALE_AGENTS agents on $target"
    java -cp "$BENCH_CP" io.heartgate.bench.Provisioner register "$GW_API" "$GW_HB" "$SCALE_AGENTS" \
      "$SCALE_TOKENS" "$BODY" >"$OUT/scale-$target.log" 2>&1 &
    REGISTRARS+=("$target:$!")
  done
  for p in "${REGISTRARS[@]}"; do
    wait "${p#*:}" || die "registering agents on ${p%%:*} failed, see $OUT/scale-${p%%:*}.log"
  done
  # Timed one gateway at a time, once registration is over.
  for target in "${TARGETS[@]}"; do
    [[ $target == bare ]] && continue
    reg=$(grep '^RESULT' "$OUT/scale-$target.log")
    line=$(java -cp "$BENCH_CP" io.heartgate.bench.Provisioner summary "${SCALE_API[$target]}" \
      2>>"$OUT/scale-$target.log" | tee -a "$OUT/scale-$target.log" | grep '^RESULT') \
      || die "summary on $target failed, see $OUT/scale-$target.log"
    record "SCALE target=$target ${reg#RESULT } ${line#RESULT } rss_kib=$(rss_kib "${SCALE_PID[$target]}" VmRSS)" \
      "peak_kib=$(rss_kib "${SCALE_PID[$target]}" VmHWM)"
    log "$target: $(tail -1 "$RESULTS")"
    stop_pid "${SCALE_PID[$target]}"
  done
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------------------------
# Report
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
# answered_ms KEY LINE: a latency of a wrk RESULT line in ms, or "none answered" when no request completed
answered_ms() { if [[ $(value requests "$2") -gt 0 ]]; then ms "$(value "$1" "$2")"; else echo "none answered"; fi; }
{
  echo "# Heartgate heartbeat benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $CORES cores ($CPU), $MEM_MIB MiB memory; load average before $LOAD_BEFORE, after $LOAD_AFTER."
  echo "Java: $(java -version 2>&1 | head -1). ${PG_VERSION:+PostgreSQL: $PG_VERSION (fsync on, default settings).}"
  echo "Load: wrk $WRK_THREADS threads on the same machine, $DURATION s per connection count after a warm-up until the"
  echo "JIT compilers were quiet ($WARMED), POST /agents/heartbeat with the 'all' fixture ($(wc -c <"$BODY") bytes),"
  echo "$AGENTS agents, one token each."
  echo "Gateway: java ${GATEWAY_JAVA_OPTS:+$GATEWAY_JAVA_OPTS }-jar target/heartgate.jar (pool size $PG_POOL_SIZE on PostgreSQL)."
  echo "CPU µs per heartbeat: CPU time of the server process (for postgres: plus every PostgreSQL server process)"
  echo "during the run, divided by the heartbeats answered; wrk's own CPU is not included. JIT ms: time the JVM's"
  echo "compilers spent during the run (jstat): more than a few hundred means the server was measured before it was warm."
  echo "The bare server ran before and after the gateways at each connection count: its row is the mean of the two."
  echo
  echo "| target | connections | heartbeats/s | × bare | p50 ms | p99 ms | p99 × bare | max ms | non-2xx | socket errors | CPU µs per heartbeat | JIT ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in $CONNECTIONS; do
    bare=$(grep "^WRK target=bare c=$c phase=mean " "$RESULTS")
    for target in "${TARGETS[@]}"; do
      l=$(grep "^WRK target=$target c=$c phase=run " "$RESULTS")
      [[ $target == bare ]] && l=$bare
      errors=$(( $(value connect_err "$l") + $(value read_err "$l") + $(value write_err "$l") + $(value timeouts "$l") ))
      cpu=$(awk -v t="$(value cpu_ticks "$l")" -v n="$(value requests "$l")" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else printf "-" }')
      printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$target" "$c" "$(value rps "$l")" \
        "$(ratio "$(value rps "$l")" "$(value rps "$bare")")" "$(ms "$(value p50_us "$l")")" \
        "$(ms "$(value p99_us "$l")")" "$(ratio "$(value p99_us "$l")" "$(value p99_us "$bare")")" \
        "$(ms "$(value max_us "$l")")" "$(value non2xx "$l")" "$errors" "$cpu" "$(value jit_ms "$l")"
    done
  done
  echo
  echo "| target | peak RSS MiB | agents rows | seen during the last run | lastSeen in range | heartbeats acknowledged (wrk) | counted in the store |"
  echo "|---|---:|---:|---:|---|---:|---:|"
  for target in "${TARGETS[@]}"; do
    r=$(grep "^RSS target=$target " "$RESULTS")
    if [[ $target == bare ]]; then
      printf '| bare | %s | - | - | - | - | - |\n' "$(mib "$(value peak_kib "$r")")"
      continue
    fi
    s=$(grep "^STORE target=$target " "$RESULTS")
    in_range=no
    [[ $(value min_last_seen "$s") -ge $(value since "$s") && $(value rows "$s") == "$AGENTS" \
      && $(value seen_since "$s") == "$AGENTS" ]] && in_range=yes
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$target" "$(mib "$(value peak_kib "$r")")" "$(value rows "$s")" \
      "$(value seen_since "$s")" "$in_range" "$(value acked "$s")" "$(value heartbeats "$s")"
  done
  if grep -q '^LOGINS' "$RESULTS"; then
    echo
    echo "Login flood: $LOGIN_FLOOD_DURATION s of heartbeats at $LOGIN_FLOOD_CONNECTIONS connections, quiet and then while"
    echo "$LOGIN_FLOOD clients (a second wrk, one connection each, closed loop) POST /api/auth/login/local with"
    echo "unknown usernames and wrong passwords from $LOGIN_FLOOD_ADDRESSES client addresses (X-Forwarded-For), from $LOGIN_FLOOD_MARGIN s before to $LOGIN_FLOOD_MARGIN s after the heartbeat run."
    echo
    echo "| target | heartbeat p99 quiet / during login flood ms | heartbeats/s quiet / during login flood | heartbeat non-2xx during flood | failed logins/s | login answers 401 / 429 / 503 / other | login p50 / p99 ms | login socket errors | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for target in "${TARGETS[@]}"; do
      f=$(grep "^LOGINS target=$target " "$RESULTS") || continue
      q=$(grep "^WRK target=$target c=$LOGIN_FLOOD_CONNECTIONS phase=quiet " "$RESULTS")
      d=$(grep "^WRK target=$target c=$LOGIN_FLOOD_CONNECTIONS phase=flood " "$RESULTS")
      errors=$(( $(value connect_err "$f") + $(value read_err "$f") + $(value write_err "$f") + $(value timeouts "$f") ))
      printf '| %s | %s / %s | %.0f / %.0f | %s | %.0f | %s / %s / %s / %s | %s / %s | %s | %s |\n' "$target" \
        "$(answered_ms p99_us "$q")" "$(answered_ms p99_us "$d")" "$(value rps "$q")" "$(value rps "$d")" \
        "$(value non2xx "$d")" "$(value rps "$f")" "$(value s401 "$f")" "$(value s429 "$f")" "$(value s503 "$f")" \
        "$(value other "$f")" "$(answered_ms p50_us "$f")" "$(answered_ms p99_us "$f")" "$errors" \
        "$(mib "$(value peak_kib "$f")")"
    done
  fi
  if grep -q '^SCALE' "$RESULTS"; then
    echo
    echo "| store | agents registered | registration s (gateways side by side) | summary.total | GET /api/agents/summary first ms | median of 5 ms | RSS MiB after | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for target in "${TARGETS[@]}"; do
      s=$(grep "^SCALE target=$target " "$RESULTS") || continue
      printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$target" "$(value agents "$s")" "$(value register_s "$s")" \
        "$(value summary_total "$s")" "$(value summary_first_ms "$s")" "$(value summary_median_ms "$s")" \
        "$(mib "$(value rss_kib "$s")")" "$(mib "$(value peak_kib "$s")")"
    done
  fi
} >"$OUT/report.md"
cp "$OUT/report.md" "$ROOT/target/bench/report.md"
echo
cat "$OUT/report.md"
log "report written to $OUT/report.md (raw figures in $RESULTS)"
