#!/usr/bin/env bash
# Installs the pinned tool versions a phase needs on a CodeBuild host. Does
# nothing elsewhere: the rehearsal runner and a workstation bring their own
# tools, which 01-prerequisites checks. Safe to re-run.
set -euo pipefail

# Pinned versions. Raise them here only, together with the minimums in
# phases/01-prerequisites/config/tools.tsv.
TERRAFORM_VERSION=1.11.4
KUBECTL_VERSION=v1.33.4
HELM_VERSION=v3.18.6
K6_VERSION=v1.4.2

if [[ -z "${CODEBUILD_BUILD_ID:-}" || "${PERFPLANE_PLATFORM:-}" == rehearsal ]]; then
  echo "install-tools: skipped outside an AWS CodeBuild build; using the tools on PATH"
  exit 0
fi

phase="${PERFPLANE_PHASE:?PERFPLANE_PHASE is not set; the buildspec sets it}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${PERFPLANE_TOOLS_DIR:-/usr/local/bin}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Tools each phase calls; every phase needs the AWS CLI, jq and node, which
# the CodeBuild standard image provides.
case "$phase" in
  01-prerequisites) tools="terraform kubectl helm" ;;
  02-infrastructure) tools="terraform kubectl" ;;
  03-kubernetes | 04-mojaloop | 05-k6-infrastructure) tools="kubectl helm" ;;
  06-first-test | 07-performance-tests) tools="kubectl k6" ;;
  08-analysis) tools="" ;;
  *) echo "install-tools: unknown phase $phase" >&2; exit 2 ;;
esac

# verify FILE SUMS_FILE: check FILE against its line in a checksum list.
verify() {
  local name expected actual
  name="$(basename "$1")"
  expected="$(awk -v n="$name" '$2 == n || $2 == "*"n {print $1}' "$2" | head -n 1)"
  [[ -n "$expected" ]] || expected="$(awk 'NF == 1 {print $1}' "$2" | head -n 1)"
  actual="$(sha256sum "$1" | awk '{print $1}')"
  if [[ -z "$expected" || "$expected" != "$actual" ]]; then
    echo "install-tools: checksum mismatch for $name; refusing to install it" >&2
    exit 1
  fi
}

install_terraform() {
  local base="https://releases.hashicorp.com/terraform/$TERRAFORM_VERSION"
  local zip="terraform_${TERRAFORM_VERSION}_linux_amd64.zip"
  curl -fsSLo "$tmp/$zip" "$base/$zip"
  curl -fsSLo "$tmp/sums" "$base/terraform_${TERRAFORM_VERSION}_SHA256SUMS"
  verify "$tmp/$zip" "$tmp/sums"
  unzip -oq "$tmp/$zip" -d "$tmp/terraform"
  install -m 0755 "$tmp/terraform/terraform" "$bin/terraform"
}

install_kubectl() {
  local base="https://dl.k8s.io/release/$KUBECTL_VERSION/bin/linux/amd64"
  curl -fsSLo "$tmp/kubectl" "$base/kubectl"
  curl -fsSLo "$tmp/kubectl.sha256" "$base/kubectl.sha256"
  verify "$tmp/kubectl" "$tmp/kubectl.sha256"
  install -m 0755 "$tmp/kubectl" "$bin/kubectl"
}

install_helm() {
  local tgz="helm-$HELM_VERSION-linux-amd64.tar.gz"
  curl -fsSLo "$tmp/$tgz" "https://get.helm.sh/$tgz"
  curl -fsSLo "$tmp/helm.sha256" "https://get.helm.sh/$tgz.sha256sum"
  verify "$tmp/$tgz" "$tmp/helm.sha256"
  tar -xzf "$tmp/$tgz" -C "$tmp"
  install -m 0755 "$tmp/linux-amd64/helm" "$bin/helm"
}

install_k6() {
  local name="k6-$K6_VERSION-linux-amd64"
  local base="https://github.com/grafana/k6/releases/download/$K6_VERSION"
  curl -fsSLo "$tmp/$name.tar.gz" "$base/$name.tar.gz"
  curl -fsSLo "$tmp/k6.sums" "$base/k6-$K6_VERSION-checksums.txt"
  verify "$tmp/$name.tar.gz" "$tmp/k6.sums"
  tar -xzf "$tmp/$name.tar.gz" -C "$tmp"
  install -m 0755 "$tmp/$name/k6" "$bin/k6"
}

for tool in $tools; do
  echo "install-tools: installing $tool"
  "install_$tool"
done

echo "install-tools: installing npm packages"
(cd "$root" && npm ci --no-audit --no-fund)
