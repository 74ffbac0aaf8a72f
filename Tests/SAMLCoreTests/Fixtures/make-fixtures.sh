#!/usr/bin/env bash
# Regenerates the SAMLCore test fixtures with independent tools:
#   openssl (keys), Python `cryptography` (self-signed certs, only when a .crt is missing),
#   fixtures.py (unsigned templates + metadata, plain text), xmlsec1 (all signing/encryption,
#   and verification of every output that should verify cryptographically).
#
# Usage: Tests/SAMLCoreTests/Fixtures/make-fixtures.sh      (needs: apt-get install -y xmlsec1)
#        PYTHON=/path/to/python to choose the interpreter (default: <repo>/.venv/bin/python, else python3)
#
# Keys in keys/ are reused when present (commit them); everything else is rebuilt. RSA PKCS#1 v1.5
# signatures are deterministic, so signed-only fixtures are byte-identical between runs; encrypted
# fixtures change on every run (random session keys, IVs and OAEP seeds).
# Any failing step (including a verification that succeeds when it must not) aborts with a message.
set -euo pipefail
cd "$(dirname "$0")"
FIX=$(pwd)
REPO=$(cd ../../.. && pwd)

die() { echo "make-fixtures: FAILED: $*" >&2; exit 1; }
trap 'die "command failed at line $LINENO: $BASH_COMMAND"' ERR

command -v xmlsec1 >/dev/null || die "xmlsec1 not installed (apt-get install -y xmlsec1)"
command -v openssl >/dev/null || die "openssl not installed"
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x "$REPO/.venv/bin/python" ]; then PY="$REPO/.venv/bin/python"; else PY=python3; fi
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/xmlsec.log"

NS_P=urn:oasis:names:tc:SAML:2.0:protocol
NS_A=urn:oasis:names:tc:SAML:2.0:assertion
IDS=(--id-attr:ID "$NS_P:Response" --id-attr:ID "$NS_A:Assertion")
# Which <ds:Signature> to sign/verify (documents may hold two).
AX="//*[local-name()='Assertion' and @ID='_assert-1']/*[local-name()='Signature']"
AX2="//*[local-name()='Assertion' and @ID='_assert-2']/*[local-name()='Signature']"
RX="/*[local-name()='Response']/*[local-name()='Signature']"

# ------------------------------------------------------------------ keys
mkdir -p keys
genkey() { # name bits
  if [ ! -f "keys/$1.key" ]; then
    echo "generating keys/$1.key (RSA-$2)"
    openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "keys/$1.key" 2>/dev/null
    rm -f "keys/$1.crt"
  fi
}
genkey idp 2048
genkey idp4096 4096
genkey idp1024 1024
genkey idp-next 2048
genkey sp 2048
genkey sp-other 2048
genkey attacker 2048
if [ ! -f keys/sp-pkcs1.key ] || [ keys/sp.key -nt keys/sp-pkcs1.key ]; then
  openssl rsa -in keys/sp.key -traditional -out keys/sp-pkcs1.key 2>/dev/null
fi
"$PY" fixtures.py certs keys
grep -q 'BEGIN PRIVATE KEY' keys/sp.key || die "keys/sp.key is not PKCS#8"
grep -q 'BEGIN RSA PRIVATE KEY' keys/sp-pkcs1.key || die "keys/sp-pkcs1.key is not PKCS#1"
pubhash() { openssl pkey -in "$1" -pubout 2>/dev/null | sha256sum; }
for k in idp idp4096 idp1024 idp-next sp sp-other attacker; do
  [ "$(pubhash keys/$k.key)" = "$(openssl x509 -in keys/$k.crt -pubkey -noout | sha256sum)" ] \
    || die "keys/$k.crt does not match keys/$k.key"
done
[ "$(pubhash keys/sp.key)" = "$(pubhash keys/sp-pkcs1.key)" ] || die "sp-pkcs1.key is not sp.key"
openssl rsa -in keys/idp4096.key -noout -text 2>/dev/null | grep -q 'Private-Key: (4096 bit' || die "idp4096 is not 4096-bit"
openssl rsa -in keys/idp1024.key -noout -text 2>/dev/null | grep -q 'Private-Key: (1024 bit' || die "idp1024 is not 1024-bit"

# ------------------------------------------------------------------ templates and metadata
rm -rf templates responses
"$PY" fixtures.py templates templates keys
"$PY" fixtures.py metadata . keys
mkdir -p responses
wellformed() { "$PY" -c 'import sys, xml.dom.minidom as m; [m.parse(f) for f in sys.argv[1:]]' "$@" || die "not well-formed: $*"; }
wellformed idp-metadata*.xml entities.xml

# ------------------------------------------------------------------ helpers
TPL=templates/responses
ENC=templates/encryption

sign() { # in out key cert xpath  -- RSA signature with key, cert written into KeyInfo/X509Data
  xmlsec1 --sign --privkey-pem "$3,$4" "${IDS[@]}" --node-xpath "$5" --output "$2" "$1" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; die "xmlsec1 --sign $1 ($5)"; }
}
verify() { # file cert xpath [extra xmlsec1 args]  -- must verify with exactly this key
  local f=$1 c=$2 x=$3; shift 3
  xmlsec1 --verify --pubkey-cert-pem "$c" --enabled-key-data rsa "${IDS[@]}" --node-xpath "$x" "$@" "$f" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; die "xmlsec1 --verify $f with $c ($x)"; }
}
verify_fails() { # file cert xpath  -- must NOT verify with this key
  if xmlsec1 --verify --pubkey-cert-pem "$2" --enabled-key-data rsa "${IDS[@]}" --node-xpath "$3" "$1" >"$LOG" 2>&1; then
    die "$1 unexpectedly verifies with $2 ($3)"
  fi
}
encrypt() { # in out cert template session-key
  xmlsec1 --encrypt --pubkey-cert-pem "$3" --session-key "$5" --xml-data "$1" \
    --node-name "$NS_A:Assertion" --output "$2" "$4" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; die "xmlsec1 --encrypt $1 for $3"; }
}
decrypt() { # in out key [extra]  -- decrypts the (first) EncryptedData in place
  local i=$1 o=$2 k=$3; shift 3
  xmlsec1 --decrypt --privkey-pem "$k" "$@" --output "$o" "$i" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; die "xmlsec1 --decrypt $i with $k"; }
}
decrypt_fails() { # in key
  if xmlsec1 --decrypt --privkey-pem "$2" --output "$WORK/should-not-exist.xml" "$1" >"$LOG" 2>&1; then
    die "$1 unexpectedly decrypts with $2"
  fi
}
filled() { # file  -- no empty signature/encryption template slots left
  if grep -qE '<(ds:DigestValue|ds:SignatureValue|ds:X509Certificate|xenc:CipherValue)></' "$1"; then
    die "$1 still has empty template slots"
  fi
}
plain_assertion_has() { # file text -- the decrypted document contains this
  grep -qF "$2" "$1" || die "$1 does not contain $2"
}

IDP=(keys/idp.key keys/idp.crt)
out() { echo "responses/$1.xml"; }

# Assertion signed with (key, cert); verified with cert.
assertion_signed() { # name [key cert]
  local n=$1 k=${2:-keys/idp.key} c=${3:-keys/idp.crt}
  sign "$TPL/$n.xml" "$(out "$n")" "$k" "$c" "$AX"
  verify "$(out "$n")" "$c" "$AX"
}

# ------------------------------------------------------------------ plain signed responses
assertion_signed assertion-signed
verify_fails responses/assertion-signed.xml keys/idp-next.crt "$AX"

sign "$TPL/response-signed.xml" responses/response-signed.xml "${IDP[@]}" "$RX"
verify responses/response-signed.xml keys/idp.crt "$RX"

sign "$TPL/both-signed.xml" "$WORK/both.xml" "${IDP[@]}" "$AX"
sign "$WORK/both.xml" responses/both-signed.xml "${IDP[@]}" "$RX"
verify responses/both-signed.xml keys/idp.crt "$AX"
verify responses/both-signed.xml keys/idp.crt "$RX"

assertion_signed assertion-signed-4096 keys/idp4096.key keys/idp4096.crt
verify_fails responses/assertion-signed-4096.xml keys/idp.crt "$AX"

# Interop (issue 15): a 1024-bit IdP key (older IdPs), Shibboleth's eduPersonTargetedID NameID value, ADFS claims.
assertion_signed assertion-signed-1024 keys/idp1024.key keys/idp1024.crt
verify_fails responses/assertion-signed-1024.xml keys/idp.crt "$AX"
assertion_signed edu-person-targeted-id
grep -qF '<saml:AttributeValue><saml:NameID Format=' responses/edu-person-targeted-id.xml || die edu-person-targeted-id
assertion_signed adfs-claims
assertion_signed missing-email-nameid-email-format

assertion_signed sp-initiated
grep -q 'InResponseTo="_req-1"' responses/sp-initiated.xml || die "sp-initiated lacks InResponseTo"

assertion_signed rollover-next-key keys/idp-next.key keys/idp-next.crt
verify_fails responses/rollover-next-key.xml keys/idp.crt "$AX"

cp "$TPL/no-signature.xml" responses/no-signature.xml

# ------------------------------------------------------------------ encrypted assertions
# enc_case name data-template session-key sp-cert sign-key sign-cert
enc_case() {
  local n=$1 t=$2 s=$3 spc=$4 k=$5 c=$6
  sign "$TPL/$n.xml" "$WORK/$n.signed.xml" "$k" "$c" "$AX"
  verify "$WORK/$n.signed.xml" "$c" "$AX"
  encrypt "$WORK/$n.signed.xml" "$(out "$n")" "$spc" "$ENC/$t.xml" "$s"
}
enc_case encrypted-aes128-cbc aes128-cbc-oaep aes-128 keys/sp.crt "${IDP[@]}"
enc_case encrypted-aes256-gcm aes256-gcm-oaep-x509 aes-256 keys/sp.crt "${IDP[@]}"
enc_case encrypted-rsa15 aes128-cbc-rsa15 aes-128 keys/sp.crt "${IDP[@]}"
enc_case encrypted-3des 3des-oaep des-192 keys/sp.crt "${IDP[@]}"
enc_case encrypted-for-other-sp aes128-cbc-oaep aes-128 keys/sp-other.crt "${IDP[@]}"
enc_case encrypted-signed-by-attacker aes128-cbc-oaep aes-128 keys/sp.crt keys/attacker.key keys/attacker.crt
# RetrievalMethod: xmlsec1 cannot fill an EncryptedKey that is only referenced by a RetrievalMethod,
# so encrypt with the EncryptedKey inline, then move it out (a structural edit; no bytes covered by
# any cipher or signature change) and check that xmlsec1 decrypts the result through the reference.
enc_case encrypted-retrieval-method aes128-cbc-oaep aes-128 keys/sp.crt "${IDP[@]}"
"$PY" fixtures.py retrieval-method responses/encrypted-retrieval-method.xml responses/encrypted-retrieval-method.xml
grep -q '<ds:RetrievalMethod Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey" URI="#_enc-key-1"/>' \
  responses/encrypted-retrieval-method.xml || die "retrieval-method rewrite"

# inner assertion unsigned, encrypted, then the Response signed over the EncryptedAssertion
encrypt "$TPL/encrypted-unsigned-response-signed.xml" "$WORK/eurs.xml" keys/sp.crt "$ENC/aes128-cbc-oaep.xml" aes-128
sign "$WORK/eurs.xml" responses/encrypted-unsigned-response-signed.xml "${IDP[@]}" "$RX"
verify responses/encrypted-unsigned-response-signed.xml keys/idp.crt "$RX"

encrypt "$TPL/encrypted-unsigned.xml" responses/encrypted-unsigned.xml keys/sp.crt "$ENC/aes128-cbc-oaep.xml" aes-128

# Decrypt every encrypted fixture with the intended key and check the inner signature.
decrypt_check() { # name sp-key [inner-cert | -] [extra decrypt args]
  local n=$1 k=$2 c=$3; shift 3
  decrypt "$(out "$n")" "$WORK/$n.dec.xml" "$k" "$@"
  grep -q 'EncryptedData' "$WORK/$n.dec.xml" && die "$n: EncryptedData left after decryption"
  plain_assertion_has "$WORK/$n.dec.xml" '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice@example.com</saml:NameID>'
  if [ "$c" != - ]; then verify "$WORK/$n.dec.xml" "$c" "$AX"; fi
}
for n in encrypted-aes128-cbc encrypted-aes256-gcm encrypted-rsa15 encrypted-3des; do
  decrypt_check "$n" keys/sp.key keys/idp.crt
  decrypt_check "$n" keys/sp-pkcs1.key keys/idp.crt
done
grep -q 'xmlenc11#aes256-gcm' responses/encrypted-aes256-gcm.xml || die "gcm algorithm"
grep -q 'xmlenc#rsa-1_5' responses/encrypted-rsa15.xml || die "rsa-1_5 algorithm"
grep -q 'xmlenc#tripledes-cbc' responses/encrypted-3des.xml || die "3des algorithm"
decrypt_check encrypted-retrieval-method keys/sp.key keys/idp.crt \
  --id-attr:Id "http://www.w3.org/2001/04/xmlenc#:EncryptedKey"
decrypt_fails responses/encrypted-for-other-sp.xml keys/sp.key
decrypt_check encrypted-for-other-sp keys/sp-other.key keys/idp.crt
decrypt_check encrypted-signed-by-attacker keys/sp.key keys/attacker.crt
verify_fails "$WORK/encrypted-signed-by-attacker.dec.xml" keys/idp.crt "$AX"
decrypt_check encrypted-unsigned keys/sp.key -
grep -q '<ds:Signature xmlns' "$WORK/encrypted-unsigned.dec.xml" && die "encrypted-unsigned has a signature"
grep -q '<ds:Signature xmlns' responses/encrypted-unsigned.xml && die "encrypted-unsigned has a signature"
decrypt_check encrypted-unsigned-response-signed keys/sp.key -
grep -c '<ds:Signature xmlns' "$WORK/encrypted-unsigned-response-signed.dec.xml" | grep -qx 1 \
  || die "encrypted-unsigned-response-signed: inner assertion must be unsigned"

# ------------------------------------------------------------------ signature algorithms / attacks
assertion_signed sha1-signed
assertion_signed sha1-digest-only
grep -q 'xmldsig#rsa-sha1' responses/sha1-signed.xml && grep -q 'xmldsig#sha1' responses/sha1-signed.xml || die sha1-signed
grep -q 'xmldsig-more#rsa-sha256' responses/sha1-digest-only.xml && grep -q 'xmldsig#sha1' responses/sha1-digest-only.xml || die sha1-digest-only

assertion_signed attacker-signed keys/attacker.key keys/attacker.crt
verify_fails responses/attacker-signed.xml keys/idp.crt "$AX"

# HMAC-SHA256 keyed with the bytes of idp.crt's PEM file (key-confusion attack)
xmlsec1 --sign --hmackey keys/idp.crt "${IDS[@]}" --node-xpath "$AX" --output responses/hmac-signed.xml \
  "$TPL/hmac-signed.xml" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "hmac sign"; }
xmlsec1 --verify --hmackey keys/idp.crt "${IDS[@]}" --node-xpath "$AX" responses/hmac-signed.xml >"$LOG" 2>&1 \
  || { cat "$LOG" >&2; die "hmac verify"; }
verify_fails responses/hmac-signed.xml keys/idp.crt "$AX"

assertion_signed xslt-transform
grep -q 'REC-xslt-19991116' responses/xslt-transform.xml || die xslt
assertion_signed xpath-transform
grep -q 'REC-xpath-19991116' responses/xpath-transform.xml || die xpath
assertion_signed two-references
[ "$(grep -c '<ds:Reference ' responses/two-references.xml)" = 2 ] || die two-references
assertion_signed empty-uri
grep -q '<ds:Reference URI="">' responses/empty-uri.xml || die empty-uri
assertion_signed inclusive-c14n
grep -q 'REC-xml-c14n-20010315' responses/inclusive-c14n.xml || die inclusive-c14n
assertion_signed exc-c14n-inclusive-namespaces
grep -q 'PrefixList="xs"' responses/exc-c14n-inclusive-namespaces.xml || die inclusive-namespaces

# ------------------------------------------------------------------ protocol variants
for n in status-failure wrong-issuer wrong-destination no-destination wrong-audience \
         two-audience-restrictions-one-wrong no-audience-restriction wrong-recipient no-bearer \
         expired not-yet-valid missing-email empty-email one-time-use attribute-nameformat-uri; do
  assertion_signed "$n"
done

sign "$TPL/two-assertions.xml" "$WORK/two.xml" "${IDP[@]}" "$AX"
sign "$WORK/two.xml" responses/two-assertions.xml "${IDP[@]}" "$AX2"
verify responses/two-assertions.xml keys/idp.crt "$AX"
verify responses/two-assertions.xml keys/idp.crt "$AX2"

# Comments / CDATA inside signed text: xmlsec1's parser turns CDATA into text; exclusive c14n
# (without comments) drops comments and CDATA markup alike, so the template's exact text is put back
# after signing and the result is verified again.
for n in nameid-comment nameid-cdata email-attr-comment; do
  sign "$TPL/$n.xml" "$WORK/$n.xml" "${IDP[@]}" "$AX"
  "$PY" fixtures.py restore-text "$WORK/$n.xml" "$(out "$n")" "$TPL/$n.xml"
  verify "$(out "$n")" keys/idp.crt "$AX"
done
grep -qF 'alice@example.com<!---->.evil.com</saml:NameID>' responses/nameid-comment.xml || die nameid-comment
grep -qF 'alice@<![CDATA[example.com]]></saml:NameID>' responses/nameid-cdata.xml || die nameid-cdata
grep -qF '>alice@example.com<!---->.evil.com</saml:AttributeValue>' responses/email-attr-comment.xml || die email-attr-comment

# ------------------------------------------------------------------ final checks and base64
[ "$(ls "$TPL" | wc -l)" = "$(ls responses/*.xml | wc -l)" ] || die "some templates were not turned into fixtures"
for f in responses/*.xml; do
  n=$(basename "$f" .xml)
  [ -f "$TPL/$n.xml" ] || die "$f has no template"
  case $n in no-signature|encrypted-unsigned) ;; *) filled "$f" ;; esac
  wellformed "$f"
  base64 -w 76 "$f" > "responses/$n.b64"
  [ "$(base64 -d "responses/$n.b64" | sha256sum)" = "$(sha256sum < "$f")" ] || die "$n.b64 round trip"
  grep -qF "\`responses/$n.xml\`" README.md || die "README.md does not describe responses/$n.xml"
done
size=$(wc -c < responses/assertion-signed-4096.xml)
[ "$size" -ge 6000 ] && [ "$size" -le 8000 ] || die "assertion-signed-4096 is $size bytes (want 6-8 KB: ~5 KB of XML plus a 4096-bit signature and certificate)"
# Second opinion from an independent stack (signxml + cryptography), when installed in $PY.
rc=0; "$PY" fixtures.py crosscheck . || rc=$?
case $rc in
  0) ;;
  3) echo "make-fixtures: WARNING: crosscheck skipped (pip install lxml signxml cryptography into $PY)" >&2 ;;
  *) die "crosscheck (signxml/cryptography) failed" ;;
esac
echo "make-fixtures: OK ($(ls responses/*.xml | wc -l) responses, $(ls idp-metadata*.xml entities.xml | wc -l) metadata files)"
