#!/usr/bin/env bash
# Starts a throwaway Kubernetes control plane on loopback for integration
# tests: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
# kwok (which plays the kubelet of one fake Node, so Pods reach Running
# without a container runtime).
#
# Output: the admin kubeconfig path as the LAST line of stdout; progress goes
# to stderr. State (certs, kubeconfigs, etcd data, logs, pids) lives in
# $KECS_K8S_STATE; scripts/k8s-down.sh stops everything and removes it.
#
# Env (all optional):
#   KECS_K8S_STATE              state dir (default /tmp/kecs-k8s)
#   KECS_TESTBIN_BIN            bin dir from k8s-testbin.sh (default: run it)
#   KECS_K8S_APISERVER_PORT     default 16443
#   KECS_K8S_ETCD_CLIENT_PORT   default 12379
#   KECS_K8S_ETCD_PEER_PORT     default 12380
#   KECS_K8S_KCM_PORT           default 16257 (controller-manager healthz)
#   KECS_K8S_SCHEDULER_PORT     default 16259 (scheduler healthz)
#   KECS_K8S_NODE_NAME          default kwok-node-0
#   KECS_K8S_SERVICE_CIDR       Service ClusterIP range (default 127.96.0.0/16)
#   KECS_K8S_POD_CIDR           Pod IPs kwok hands out (default 127.20.0.0/16)
#   KECS_K8S_READY_TIMEOUT      seconds to wait for each step (default 180)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${KECS_K8S_STATE:-/tmp/kecs-k8s}
APISERVER_PORT=${KECS_K8S_APISERVER_PORT:-16443}
ETCD_CLIENT_PORT=${KECS_K8S_ETCD_CLIENT_PORT:-12379}
ETCD_PEER_PORT=${KECS_K8S_ETCD_PEER_PORT:-12380}
KCM_PORT=${KECS_K8S_KCM_PORT:-16257}
SCHEDULER_PORT=${KECS_K8S_SCHEDULER_PORT:-16259}
NODE_NAME=${KECS_K8S_NODE_NAME:-kwok-node-0}
TIMEOUT=${KECS_K8S_READY_TIMEOUT:-180}
# No kube-proxy and no CNI run here, so Service and Pod IPs are only data in
# API objects. They default to loopback ranges so that code under test which
# does try to connect to one can only ever reach this machine, never a real
# network. The price: the API refuses loopback addresses in EndpointSlices,
# so Services get no endpoints. A test that needs them can set
# KECS_K8S_POD_CIDR to a private range, and must then never dial Pod IPs.
SERVICE_CIDR=${KECS_K8S_SERVICE_CIDR:-127.96.0.0/16}
POD_CIDR=${KECS_K8S_POD_CIDR:-127.20.0.0/16}

log() { printf '[k8s-up] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# set -e alone would stop without a word, e.g. when openssl fails into its log.
trap 'log "error: failed at line $LINENO (logs: $STATE/logs)"' ERR

for tool in openssl curl jq ss; do
  command -v "$tool" >/dev/null || die "$tool is required"
done

# A previous run may have crashed or been killed: clear it out first, using
# only the pids that run recorded.
bash "$HERE/k8s-down.sh" >&2

BIN=${KECS_TESTBIN_BIN:-$(bash "$HERE/k8s-testbin.sh" | tail -n 1)}
for f in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kwok-stages.yaml; do
  [[ -e $BIN/$f ]] || die "$BIN/$f is missing; run scripts/k8s-testbin.sh"
done

# Refuse to start on ports someone else holds rather than talk to a stranger.
for port in "$APISERVER_PORT" "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$KCM_PORT" "$SCHEDULER_PORT"; do
  if [[ -n $(ss -Hltn "sport = :$port") ]]; then
    die "port $port is already in use (set the KECS_K8S_*_PORT variables to move)"
  fi
done

mkdir -p "$STATE"/{pki,logs,pids,etcd}
# k8s-down.sh deletes only a directory that carries this marker.
touch "$STATE/.kecs-k8s-state"
PKI=$STATE/pki

# --- PKI --------------------------------------------------------------------
# A fresh CA per run: nothing outside the state dir ever trusts it.
log "generating certificates in $PKI"
ossl() { openssl "$@" 2>>"$STATE/logs/openssl.log"; }
# make_ca NAME
make_ca() {
  ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$PKI/$1.key" -out "$PKI/$1.crt" -days 30 -subj "/CN=kecs-testbed-$1" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
# issue NAME SUBJECT EXTENSIONS [CA]
issue() {
  local ca=${4:-ca}
  ossl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$PKI/$1.key" -out "$PKI/$1.csr" -subj "$2"
  ossl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
    -days 30 -out "$PKI/$1.crt" -extfile <(printf '%s\n' "$3")
  rm -f "$PKI/$1.csr"
}
# first_ip CIDR: the address the apiserver gives its own "kubernetes" Service.
first_ip() {
  local a b c d n bits=${1#*/}
  IFS=. read -r a b c d <<<"${1%/*}"
  n=$(( ((a << 24 | b << 16 | c << 8 | d) & (0xffffffff << (32 - bits)) & 0xffffffff) + 1 ))
  echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
}

make_ca ca
# The serving cert names the in-cluster service too, so a client configured
# the in-cluster way validates it as well as one using 127.0.0.1.
san="IP:127.0.0.1,IP:$(first_ip "$SERVICE_CIDR"),DNS:localhost,DNS:kubernetes,DNS:kubernetes.default"
san+=",DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
issue apiserver "/CN=kube-apiserver" "$(printf '%s\n' \
  'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' "subjectAltName=$san")"
# Client identities: the CN is the user name and O the group. The controller
# manager and scheduler get the names the built-in RBAC roles are bound to;
# the admin and kwok are cluster admins (kwok patches nodes, pods, leases).
client_ext=$(printf '%s\n' 'keyUsage=critical,digitalSignature' 'extendedKeyUsage=clientAuth')
issue admin "/O=system:masters/CN=kecs-admin" "$client_ext"
issue controller-manager "/CN=system:kube-controller-manager" "$client_ext"
issue scheduler "/CN=system:kube-scheduler" "$client_ext"
issue kwok "/O=system:masters/CN=kwok-controller" "$client_ext"
# The apiserver vouches for users in request headers when it proxies to
# aggregated APIs, with a cert from a CA of its own: a client cert from the
# main CA must never be able to claim an identity by header. The controller
# manager and scheduler read this CA too, and log errors every second if the
# apiserver was not given one.
make_ca front-proxy-ca
issue front-proxy-client "/CN=front-proxy-client" "$client_ext" front-proxy-ca
# Signs the ServiceAccount tokens the controller manager and Pods use.
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$PKI/sa.key"
ossl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
chmod 600 "$PKI"/*.key

SERVER=https://127.0.0.1:$APISERVER_PORT
# write_kubeconfig FILE USER: data is embedded so the file works on its own.
write_kubeconfig() {
  local b64="base64 -w0"
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kecs-testbed
  cluster:
    server: $SERVER
    certificate-authority-data: $($b64 <"$PKI/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $($b64 <"$PKI/$2.crt")
    client-key-data: $($b64 <"$PKI/$2.key")
contexts:
- name: kecs-testbed
  context:
    cluster: kecs-testbed
    user: $2
    namespace: default
current-context: kecs-testbed
EOF
  chmod 600 "$1"
}
for who in admin controller-manager scheduler kwok; do
  write_kubeconfig "$STATE/$who.kubeconfig" "$who"
done

# --- processes --------------------------------------------------------------
# start NAME ARGS...: detached in its own session (setsid) so it outlives
# this script and the shell that ran it; stdout/stderr go to a log file so a
# caller's $(...) never waits on them.
start() {
  local name=$1; shift
  setsid "$BIN/$name" "$@" </dev/null >"$STATE/logs/$name.log" 2>&1 &
  echo $! >"$STATE/pids/$name.pid"
  log "started $name (pid $!, log $STATE/logs/$name.log)"
}

# wait_for WHAT CMD...: polls until CMD succeeds; on timeout it shows the
# tails of the logs, since that is where the reason will be.
wait_for() {
  local what=$1 deadline=$((SECONDS + TIMEOUT)) f; shift
  log "waiting for $what"
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      for f in "$STATE"/logs/*.log; do log "--- tail $f"; tail -n 20 "$f" >&2; done
      die "timed out after ${TIMEOUT}s waiting for $what"
    fi
    for f in "$STATE"/pids/*.pid; do
      kill -0 "$(cat "$f")" 2>/dev/null || {
        tail -n 30 "$STATE/logs/$(basename "$f" .pid).log" >&2
        die "$(basename "$f" .pid) exited while waiting for $what"
      }
    done
    sleep 0.5
  done
}

api() {
  curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"
}

ETCD_URL=http://127.0.0.1:$ETCD_CLIENT_PORT
PEER_URL=http://127.0.0.1:$ETCD_PEER_PORT
# Plain HTTP is acceptable only because etcd listens on loopback and holds
# throwaway data; skipping fsync makes writes cheap on a shared disk.
start etcd --name=kecs --data-dir="$STATE/etcd" \
  --listen-client-urls="$ETCD_URL" --advertise-client-urls="$ETCD_URL" \
  --listen-peer-urls="$PEER_URL" --initial-advertise-peer-urls="$PEER_URL" \
  --initial-cluster="kecs=$PEER_URL" --initial-cluster-state=new \
  --unsafe-no-fsync=true --log-level=warn
wait_for "etcd health" curl -sf "$ETCD_URL/health"

# --advertise-address must be set, or the apiserver picks the host's network
# address; nothing connects to it, but it keeps the cluster loopback-only
# even in data. The endpoint reconciler is off because it would publish that
# address as the "kubernetes" Service endpoint, which nothing here needs.
start kube-apiserver \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
  --etcd-servers="$ETCD_URL" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
  --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --authorization-mode=Node,RBAC --anonymous-auth=false \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --endpoint-reconciler-type=none \
  --allow-privileged=true --profiling=false \
  --cert-dir="$STATE/pki/apiserver-generated"
wait_for "kube-apiserver /readyz" api "$SERVER/readyz"

# --use-service-account-credentials makes each controller act under its own
# ServiceAccount, which is what the built-in RBAC roles are written for.
# Leader election is pointless with one replica and only delays start-up.
start kube-controller-manager \
  --kubeconfig="$STATE/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
  --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --profiling=false \
  --cert-dir="$STATE/pki/controller-manager-generated"

start kube-scheduler \
  --kubeconfig="$STATE/scheduler.kubeconfig" \
  --authentication-kubeconfig="$STATE/scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" \
  --leader-elect=false --profiling=false \
  --cert-dir="$STATE/pki/scheduler-generated"

# kwok only manages Nodes carrying its annotation, so a real kubelet joining
# this cluster by mistake would not be overwritten. Its lease-based heartbeat
# keeps the node-lifecycle controller from marking the Node NotReady. With no
# --server-address/--node-port kwok opens no port of its own.
start kwok \
  --kubeconfig="$STATE/kwok.kubeconfig" \
  --config="$BIN/kwok-stages.yaml" \
  --manage-all-nodes=false \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds=40 \
  --node-ip=127.0.0.1 --cidr="$POD_CIDR"

log "registering fake node $NODE_NAME"
node_json=$(jq -n --arg name "$NODE_NAME" '{
  apiVersion: "v1", kind: "Node",
  metadata: {
    name: $name,
    annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    labels: {
      "type": "kwok",
      "kubernetes.io/hostname": $name,
      "kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64"
    }
  },
  status: {
    allocatable: { cpu: "32", memory: "256Gi", pods: "110" },
    capacity: { cpu: "32", memory: "256Gi", pods: "110" }
  }
}')
api -X POST -H 'Content-Type: application/json' --data "$node_json" "$SERVER/api/v1/nodes" >/dev/null \
  || die "could not create node $NODE_NAME"

node_ready() {
  api "$SERVER/api/v1/nodes/$NODE_NAME" \
    | jq -e '.status.conditions // [] | any(.type == "Ready" and .status == "True")'
}
wait_for "node $NODE_NAME Ready" node_ready
wait_for "kube-controller-manager healthz" curl -sfk "https://127.0.0.1:$KCM_PORT/healthz"
wait_for "kube-scheduler healthz" curl -sfk "https://127.0.0.1:$SCHEDULER_PORT/healthz"
# Pods can only be admitted once the ServiceAccount controller made this.
wait_for "default ServiceAccount" api "$SERVER/api/v1/namespaces/default/serviceaccounts/default"

log "control plane is up: $SERVER (state in $STATE)"
echo "$STATE/admin.kubeconfig"
