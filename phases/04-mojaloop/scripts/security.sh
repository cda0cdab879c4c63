#!/usr/bin/env bash
# Security material of 04-mojaloop, made inside the cluster so no key is
# printed or written to the build host's disk for longer than one command:
# - JWS: an RSA key pair per DFSP; the private key in Secret <dfsp>-jws,
#   every public key in ConfigMap jws-verification-keys.
# - mTLS: a private CA from cert-manager and a certificate per DFSP in
#   Secret <dfsp>-tls.
# Safe to re-run: existing keys and certificates are kept.

dfsp_ids() {
  pp_env '.dfsps[].id'
}

ensure_jws_keys() {
  local dfsp dir
  dir="$(mktemp -d)"
  chmod 700 "$dir"
  for dfsp in $(dfsp_ids); do
    if ! kubectl get secret -n dfsps "$dfsp-jws" >/dev/null 2>&1; then
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/$dfsp.key" 2>/dev/null
      kubectl create secret generic -n dfsps "$dfsp-jws" --from-file=private.key="$dir/$dfsp.key" >/dev/null
      rm -f "$dir/$dfsp.key"
      pp_log "created JWS signing key for $dfsp"
    fi
    # Public keys are derived from the stored private keys, so re-runs agree.
    kubectl get secret -n dfsps "$dfsp-jws" -o jsonpath='{.data.private\.key}' | base64 -d |
      openssl pkey -pubout -out "$dir/$dfsp.pem" 2>/dev/null
  done
  kubectl create configmap -n dfsps jws-verification-keys --from-file="$dir" \
    --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  rm -rf "$dir"
}

ensure_mtls_certificates() {
  kubectl apply -f "$PHASE_DIR/config/ca-issuer.yaml" >/dev/null
  local dfsp
  for dfsp in $(dfsp_ids); do
    kubectl apply -f - >/dev/null <<YAML
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: $dfsp-tls
  namespace: dfsps
spec:
  secretName: $dfsp-tls
  commonName: $dfsp
  dnsNames: [$dfsp, $dfsp.dfsps.svc.cluster.local]
  duration: 2160h
  usages: [server auth, client auth]
  issuerRef:
    name: perfplane-ca
    kind: Issuer
YAML
  done
  kubectl wait -n dfsps certificate --all --for=condition=Ready --timeout=5m >/dev/null ||
    pp_fail "cert-manager did not issue the DFSP certificates; check 03-kubernetes cert-manager with its troubleshoot.sh"
}

ensure_security() {
  kubectl create namespace dfsps --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  ensure_jws_keys
  if [[ "$(pp_env .security.mtls)" == true ]]; then
    ensure_mtls_certificates
  fi
}
