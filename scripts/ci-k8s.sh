#!/usr/bin/env bash
# CI entry point for the Kubernetes testbed: builds (or reuses) the binaries,
# starts the control plane and hands over the admin kubeconfig.
#
# Either run it, and take the LAST stdout line as the kubeconfig path:
#   trap 'bash scripts/k8s-down.sh' EXIT
#   KECS_TEST_KUBECONFIG=$(bash scripts/ci-k8s.sh | tail -n 1); export KECS_TEST_KUBECONFIG
# or source it, and it exports KECS_TEST_KUBECONFIG itself (returns non-zero
# on failure, without changing the caller's shell options):
#   trap 'bash scripts/k8s-down.sh' EXIT
#   source scripts/ci-k8s.sh || exit 1
#
# The trap belongs to the caller because only the caller knows when the tests
# are over. The first build on a fresh machine takes a long while (see
# "Kubernetes testbed" in README.md); later runs reuse ~/.cache/kecs-testbin.

kecs_ci_k8s() {
  local here bin kubeconfig
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  # Last-line contract of both scripts: everything else they say is on stderr.
  bin=$(bash "$here/k8s-testbin.sh" | tail -n 1) && [[ -d $bin ]] || {
    echo "[ci-k8s] building the testbed binaries failed" >&2
    return 1
  }
  kubeconfig=$(KECS_TESTBIN_BIN=$bin bash "$here/k8s-up.sh" | tail -n 1) && [[ -f $kubeconfig ]] || {
    echo "[ci-k8s] starting the control plane failed" >&2
    return 1
  }
  export KECS_TEST_KUBECONFIG=$kubeconfig
  echo "$kubeconfig"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  kecs_ci_k8s
else
  # Sourced: the path goes to stderr so the caller's stdout stays its own.
  kecs_ci_k8s >&2
fi
