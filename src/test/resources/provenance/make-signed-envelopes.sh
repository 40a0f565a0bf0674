#!/usr/bin/env bash
# Signs DSSE envelopes with OpenSSL only (no Java), so the drill's verifier is tested against an independent signer.
#
#   make-signed-envelopes.sh OUT_DIR SHA256 [BUILDER_ID]
#
# Writes into OUT_DIR:
#   payload.json      an in-toto v1 Statement (SLSA provenance v1) naming backup.json with SHA256, built by BUILDER_ID
#   pae.bin           its DSSE pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body
#   <key>.key         private keys (test only): ec-p256, ec-p384, ed25519, rsa2048
#   <key>.pub.pem     their public keys (SubjectPublicKeyInfo "PUBLIC KEY")
#   rsa2048.rsapub.pem  the RSA public key as PKCS#1 "RSA PUBLIC KEY"
#   ec-p256.cert.pem  a self-signed X.509 certificate for the ec-p256 key
#   <case>.dsse.json  envelopes, one signature each (keyid = the key's name):
#     ecdsa-p256       openssl dgst -sha256 -sign (DER)          ecdsa-p384   openssl dgst -sha384 -sign (DER)
#     ecdsa-p256-pkeyutl  openssl pkeyutl over the SHA-256 of the PAE
#     ed25519          openssl pkeyutl -sign -rawin              rsa-pkcs1    openssl dgst -sha256 -sign
#     rsa-pss-default  dgst -sigopt rsa_padding_mode:pss (OpenSSL's default salt length)
#     rsa-pss-digest   ... -sigopt rsa_pss_saltlen:digest (32)
#     rsa-pss-pkeyutl  pkeyutl -pkeyopt rsa_padding_mode:pss over the SHA-256 of the PAE
#     rsa-pkcs1-urlsafe  the rsa-pkcs1 signature in unpadded URL-safe base64
#     ecdsa-p256-raw-payload  WRONG on purpose: signs the payload bytes, not the PAE
set -euo pipefail

out="${1:?usage: make-signed-envelopes.sh OUT_DIR SHA256 [BUILDER_ID]}"
digest="${2:?usage: make-signed-envelopes.sh OUT_DIR SHA256 [BUILDER_ID]}"
builder="${3:-https://drdrill.io/test-builder@v1}"
type="application/vnd.in-toto+json"

mkdir -p "$out"
cd "$out"

printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"backup.json","digest":{"sha256":"%s"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"buildDefinition":{"buildType":"https://drdrill.io/test-build/v1","externalParameters":{}},"runDetails":{"builder":{"id":"%s"}}}}' \
    "$digest" "$builder" > payload.json
{
    printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(wc -c < payload.json)"
    cat payload.json
} > pae.bin
openssl dgst -sha256 -binary pae.bin > pae.sha256

b64() { base64 -w0 "$1"; }

# envelope NAME KEYID SIGNATURE_BASE64
envelope() {
    printf '{"payloadType":"%s","payload":"%s","signatures":[{"keyid":"%s","sig":"%s"}]}\n' \
        "$type" "$(b64 payload.json)" "$2" "$3" > "$1.dsse.json"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec-p256.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec-p384.key 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed25519.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.key 2>/dev/null
for key in ec-p256 ec-p384 ed25519 rsa2048; do
    openssl pkey -in "$key.key" -pubout -out "$key.pub.pem"
done
openssl rsa -in rsa2048.key -RSAPublicKey_out -out rsa2048.rsapub.pem 2>/dev/null
openssl req -x509 -new -key ec-p256.key -subj "/CN=drdrill provenance test signer" -days 2 \
    -out ec-p256.cert.pem 2>/dev/null

openssl dgst -sha256 -sign ec-p256.key -out ecdsa-p256.sig pae.bin
envelope ecdsa-p256 ec-p256 "$(b64 ecdsa-p256.sig)"

openssl pkeyutl -sign -inkey ec-p256.key -in pae.sha256 -out ecdsa-p256-pkeyutl.sig
envelope ecdsa-p256-pkeyutl ec-p256 "$(b64 ecdsa-p256-pkeyutl.sig)"

openssl dgst -sha384 -sign ec-p384.key -out ecdsa-p384.sig pae.bin
envelope ecdsa-p384 ec-p384 "$(b64 ecdsa-p384.sig)"

openssl pkeyutl -sign -rawin -inkey ed25519.key -in pae.bin -out ed25519.sig
envelope ed25519 ed25519 "$(b64 ed25519.sig)"

openssl dgst -sha256 -sign rsa2048.key -out rsa-pkcs1.sig pae.bin
envelope rsa-pkcs1 rsa2048 "$(b64 rsa-pkcs1.sig)"
envelope rsa-pkcs1-urlsafe rsa2048 "$(b64 rsa-pkcs1.sig | tr '+/' '-_' | tr -d '=')"

openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sign rsa2048.key -out rsa-pss-default.sig pae.bin
envelope rsa-pss-default rsa2048 "$(b64 rsa-pss-default.sig)"

openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sign rsa2048.key \
    -out rsa-pss-digest.sig pae.bin
envelope rsa-pss-digest rsa2048 "$(b64 rsa-pss-digest.sig)"

openssl pkeyutl -sign -inkey rsa2048.key -pkeyopt rsa_padding_mode:pss -pkeyopt digest:sha256 \
    -in pae.sha256 -out rsa-pss-pkeyutl.sig
envelope rsa-pss-pkeyutl rsa2048 "$(b64 rsa-pss-pkeyutl.sig)"

openssl dgst -sha256 -sign ec-p256.key -out ecdsa-p256-raw-payload.sig payload.json
envelope ecdsa-p256-raw-payload ec-p256 "$(b64 ecdsa-p256-raw-payload.sig)"

# self-check with OpenSSL: every signature over the PAE verifies (the raw-payload one over the payload only)
openssl dgst -sha256 -verify ec-p256.pub.pem -signature ecdsa-p256.sig pae.bin > /dev/null
openssl dgst -sha256 -verify rsa2048.pub.pem -signature rsa-pkcs1.sig pae.bin > /dev/null
openssl pkeyutl -verify -rawin -pubin -inkey ed25519.pub.pem -in pae.bin -sigfile ed25519.sig > /dev/null
openssl dgst -sha256 -verify ec-p256.pub.pem -signature ecdsa-p256-raw-payload.sig payload.json > /dev/null
echo "signed envelopes written to $out"
