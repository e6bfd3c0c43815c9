#!/usr/bin/env bash
# Benchmarks of `concord serve` in front of `concord sandbox`, as recorded in BENCHMARKS.md
# ("Server"): edit round trips, lists of 10,000 pods through the server and directly, and the
# server's memory with 100,000 pods in its watch cache. Each runs as its own process, so
# /proc/PID/status gives the server's memory alone.
#
#   bench/server.sh build     # release binaries (concord, concord-loadtest)
#   bench/server.sh sandbox   # start the sandbox (data in $BENCH_DIR, kept between runs)
#   bench/server.sh serve     # (re)start `concord serve --kubeconfig <the sandbox's>`
#   bench/server.sh edits     # edit round trips: 1 client, then 16 clients on shared objects
#   bench/server.sh seed      # 90,000 pods in default, 10,000 in bench-10k (skips existing ones)
#   bench/server.sh lists     # LIST of the 10,000 pods of bench-10k: server vs sandbox (hyperfine)
#   bench/server.sh memory    # a fresh server, two followers of all pods: snapshot times, VmRSS/VmHWM
#   bench/server.sh stop      # stop both
#
# Environment: CARGO_TARGET_DIR (default target), BENCH_DIR (default /tmp/bench-server),
# SANDBOX_PORT (18001), SERVE_PORT (18080), RUNS (hyperfine runs, 30).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${CARGO_TARGET_DIR:-target}
CONCORD=${CONCORD:-$TARGET/release/concord}
LT=${LT:-$TARGET/release/concord-loadtest}
DIR=${BENCH_DIR:-/tmp/bench-server}
SANDBOX=http://127.0.0.1:${SANDBOX_PORT:-18001}
SERVE=http://127.0.0.1:${SERVE_PORT:-18080}
RUNS=${RUNS:-30}
CLUSTER=concord-sandbox
mkdir -p "$DIR"

wait_healthy() { # URL
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "$1/healthz" && return 0
        sleep 0.1
    done
    echo "$1 did not become healthy" >&2
    return 1
}

stop_pid() { # FILE
    if [[ -f $1 ]]; then
        local pid
        pid=$(cat "$1")
        kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
        rm -f "$1"
    fi
}

ticks() { # PID: CPU time used, in clock ticks (1/100 s)
    awk '{print $14 + $15}' "/proc/$1/stat"
}

cpu_per_request() { # NAME URL [CURL OPTIONS...]: the CPU each process used per request, 10 requests
    local name=$1 url=$2 server sandbox s0 x0
    shift 2
    server=$(cat "$DIR/serve.pid")
    sandbox=$(cat "$DIR/sandbox.pid")
    s0=$(ticks "$server")
    x0=$(ticks "$sandbox")
    for _ in $(seq 10); do curl -sf -o /dev/null "$@" "$url"; done
    echo "$name: CPU per request: server $(($(ticks "$server") - s0)) ms, sandbox $(($(ticks "$sandbox") - x0)) ms"
}

memory() { # PID
    grep -E 'VmRSS|VmHWM' "/proc/$1/status" | tr -s ' \t' ' ' | paste -sd' '
}

case ${1:-} in
build)
    cargo build --release -p concord
    # Built alone: together with concord it would unify dependency features and rebuild them.
    cargo build --release -p concord-loadtest
    ;;
sandbox)
    stop_pid "$DIR/sandbox.pid"
    "$CONCORD" sandbox --listen "${SANDBOX#http://}" --data-dir "$DIR/data" --kubeconfig "$DIR/kubeconfig" \
        >"$DIR/sandbox.log" 2>&1 &
    echo $! >"$DIR/sandbox.pid"
    wait_healthy "$SANDBOX"
    echo "sandbox pid $(cat "$DIR/sandbox.pid") at $SANDBOX"
    ;;
serve)
    stop_pid "$DIR/serve.pid"
    "$CONCORD" serve --listen "${SERVE#http://}" --kubeconfig "$DIR/kubeconfig" >"$DIR/serve.log" 2>&1 &
    echo $! >"$DIR/serve.pid"
    wait_healthy "$SERVE"
    echo "server pid $(cat "$DIR/serve.pid") at $SERVE: $(memory "$(cat "$DIR/serve.pid")")"
    ;;
edits)
    pids=(--pid "$(cat "$DIR/serve.pid")" --sandbox-pid "$(cat "$DIR/sandbox.pid")")
    "$LT" edit-latency --url "$SERVE" --edits 500 --warmup 20 --direct "$SANDBOX" "${pids[@]}"
    "$LT" edit-torture --url "$SERVE" --clients 16 --seconds 20 "${pids[@]}"
    ;;
seed)
    "$LT" seed --url "$SANDBOX" --pods 90000 --concurrency 16
    "$LT" seed --url "$SANDBOX" --pods 10000 --concurrency 16 --namespace bench-10k
    ;;
lists)
    server="$SERVE/api/v1/clusters/$CLUSTER/objects/core/v1/pods?namespace=bench-10k"
    direct="$SANDBOX/api/v1/namespaces/bench-10k/pods"
    table='Accept: application/json;as=Table;g=meta.k8s.io;v=v1'
    for url in "$server" "$server&view=table" "$direct"; do
        curl -s -o /dev/null -w "%{size_download} bytes, %{time_total} s: $url\n" "$url"
    done
    curl -s -o /dev/null -H "$table" -w "%{size_download} bytes, %{time_total} s: $direct (Table)\n" "$direct"
    cpu_per_request 'server JSON' "$server"
    cpu_per_request 'sandbox JSON' "$direct"
    cpu_per_request 'server Table' "$server&view=table"
    cpu_per_request 'sandbox Table' "$direct" -H "$table"
    hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$DIR/lists.json" \
        -n 'server JSON' "curl -sf -o /dev/null '$server'" \
        -n 'sandbox JSON' "curl -sf -o /dev/null '$direct'" \
        -n 'server Table' "curl -sf -o /dev/null '$server&view=table'" \
        -n 'sandbox Table' "curl -sf -o /dev/null -H '$table' '$direct'"
    ;;
memory)
    "$0" serve
    "$LT" follow --url "$SERVE" --followers 2 --pid "$(cat "$DIR/serve.pid")" --hold 20 \
        --sandbox "$SANDBOX" --touch 100 --timeline
    echo "after the followers left: $(memory "$(cat "$DIR/serve.pid")")"
    # The server notices a follower left at its next keep-alive (15 s), and the shared watch
    # outlives its last follower by 60 s. Memory freed by then is returned to the system when
    # the allocator is next busy: a LIST of 10,000 pods through the server.
    sleep 80
    echo "80 s later: $(memory "$(cat "$DIR/serve.pid")")"
    curl -sf -o /dev/null "$SERVE/api/v1/clusters/$CLUSTER/objects/core/v1/pods?namespace=bench-10k"
    echo "after a LIST: $(memory "$(cat "$DIR/serve.pid")")"
    ;;
stop)
    stop_pid "$DIR/serve.pid"
    stop_pid "$DIR/sandbox.pid"
    ;;
*)
    sed -n '2,20p' "$0"
    exit 2
    ;;
esac
