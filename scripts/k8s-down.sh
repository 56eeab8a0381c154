#!/usr/bin/env bash
# Stops the control plane that scripts/k8s-up.sh started and removes its
# state dir. Only the processes whose pids k8s-up.sh recorded are signalled,
# and only while that pid still runs the binary it was started as (a pid may
# have been reused since). Safe to run when nothing is up.
#
# Env: KECS_K8S_STATE (default /tmp/kecs-k8s), as for k8s-up.sh.
set -uo pipefail

STATE=${KECS_K8S_STATE:-/tmp/kecs-k8s}
log() { printf '[k8s-down] %s\n' "$*" >&2; }

if [[ ! -d $STATE ]]; then
  log "nothing to stop ($STATE does not exist)"
  exit 0
fi
if [[ ! -e $STATE/.kecs-k8s-state ]]; then
  # Never rm -rf a directory we did not create, e.g. a mistyped KECS_K8S_STATE.
  log "error: $STATE is not a k8s-up.sh state dir (no .kecs-k8s-state marker); leaving it alone"
  exit 1
fi

# ours NAME PID: true while PID is still the NAME binary k8s-up started.
ours() {
  local exe
  exe=$(readlink "/proc/$2/exe" 2>/dev/null) || return 1
  [[ $(basename "${exe% (deleted)}") == "$1" ]]
}

# Clients before servers, so none of them spends its shutdown retrying
# against an apiserver or etcd that is already gone.
for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  pidfile=$STATE/pids/$name.pid
  [[ -f $pidfile ]] || continue
  pid=$(<"$pidfile")
  if ! [[ $pid =~ ^[0-9]+$ ]] || ! ours "$name" "$pid"; then
    log "$name (pid $pid) is not running"
    continue
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do
    ours "$name" "$pid" || break
    sleep 0.1
  done
  if ours "$name" "$pid"; then
    log "$name (pid $pid) ignored TERM for 10s; killing it"
    kill -KILL "$pid" 2>/dev/null
    for _ in $(seq 1 50); do ours "$name" "$pid" || break; sleep 0.1; done
  fi
done

rm -rf "$STATE"
log "removed $STATE"
