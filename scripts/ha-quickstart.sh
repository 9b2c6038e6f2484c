#!/usr/bin/env bash
# A three-replica bcs-scheduler on loopback (issue 14): a 3-member etcd from Debian's etcd-server, a simulated
# Mesos master (bcs-mesos-sim) and three scheduler replicas on it. Run from the repository root after
# `pnpm build` (or `pnpm start` once). State goes in ./.bcs-ha (delete it to start afresh). Ctrl-C stops all.
#
#   etcd      client 127.0.0.1:2379, :22379, :32379 (peers :2380, :22380, :32380)
#   Mesos     http://127.0.0.1:5050 (bcs-mesos-sim, 10 agents)
#   replicas  http://127.0.0.1:8899, :8900, :8901 (one leads; the others answer 307 to it)
#
# Environment: ETCD_BIN (default: etcd on the PATH), BCS_HA_DIR (default ./.bcs-ha), LEADER_TTL (default 10).
set -euo pipefail

ETCD_BIN=${ETCD_BIN:-etcd}
DIR=${BCS_HA_DIR:-./.bcs-ha}
TTL=${LEADER_TTL:-10}
BIN=packages/server/dist/bin
command -v "$ETCD_BIN" >/dev/null || { echo "no etcd: sudo apt-get install etcd-server" >&2; exit 1; }
[ -f "$BIN/bcs-scheduler.js" ] || { echo "run pnpm build first" >&2; exit 1; }
mkdir -p "$DIR"

pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup INT TERM EXIT

cluster="m1=http://127.0.0.1:2380,m2=http://127.0.0.1:22380,m3=http://127.0.0.1:32380"
for i in 1 2 3; do
  client=$([ "$i" = 1 ] && echo 2379 || echo "${i}2379")
  peer=$([ "$i" = 1 ] && echo 2380 || echo "${i}2380")
  "$ETCD_BIN" --name "m$i" --data-dir "$DIR/etcd-$i" \
    --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "$cluster" --initial-cluster-token bcs-ha --initial-cluster-state new \
    --max-txn-ops 1024 --auto-compaction-retention 1h >"$DIR/etcd-$i.log" 2>&1 &
  pids+=($!)
done
until curl -sf http://127.0.0.1:2379/health >/dev/null; do sleep 0.5; done

node "$BIN/bcs-mesos-sim.js" --agents 10 --port 5050 --data-dir "$DIR/sim" >"$DIR/sim.log" 2>&1 &
pids+=($!)
until grep -q 'listening on' "$DIR/sim.log"; do sleep 0.2; done

for port in 8899 8900 8901; do
  node "$BIN/bcs-scheduler.js" --port "$port" --data-dir "$DIR/scheduler-$port" \
    --store etcd://127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379 --leader-ttl "$TTL" \
    --mesos-master http://127.0.0.1:5050 >"$DIR/scheduler-$port.log" 2>&1 &
  pids+=($!)
done
until grep -qs 'listening on' "$DIR"/scheduler-*.log; do sleep 0.2; done
echo "leader: $(grep -h 'listening on' "$DIR"/scheduler-*.log | head -1 | sed 's/.*listening on //')"
echo "logs in $DIR; Ctrl-C stops everything"
wait
