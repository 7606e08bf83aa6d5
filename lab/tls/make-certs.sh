#!/usr/bin/env bash
# Makes the practice lab's test CA and server certificate (run from anywhere; writes beside itself).
# The keys are public, in the repository: trust ca.pem for the lab on loopback and nowhere else.
set -euo pipefail
cd "$(dirname "$0")"
days=$((365 * 30))
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -out ca.pem \
  -subj '/CN=porthole lab test CA/O=porthole lab (loopback only: trust it nowhere else)' \
  -addext 'basicConstraints=critical,CA:true' -addext 'keyUsage=critical,keyCertSign,cRLSign'
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out lab.key
openssl req -new -key lab.key -subj '/CN=lab.porthole.test/O=porthole lab' -out lab.csr
cat > lab.ext <<'EXT'
basicConstraints=CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:lab.porthole.test,DNS:localhost,IP:127.0.0.1,IP:::1
EXT
openssl x509 -req -in lab.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days "$days" -extfile lab.ext -out lab.pem
# The CA key goes: nobody can issue another certificate under this CA (run again for a new CA).
rm -f lab.csr lab.ext ca.srl ca.key
