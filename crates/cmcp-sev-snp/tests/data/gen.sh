#!/bin/sh
# Regenerates the synthetic test PKI used by tests/synthetic.rs (our own test
# CA; nothing here is an AMD key). Requires the openssl CLI; the tests only
# read the generated files. Run from this directory: sh gen.sh
set -eu
DAYS_FROM=250101000000Z
DAYS_TO=350101000000Z
PSS="-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -sigopt rsa_mgf1_md:sha384"
CHIP=$(printf '11%.0s' $(seq 1 64))
TCHIP=1122334455667788

key_rsa() { [ -f "$1.key" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; }
key_ec() { [ -f "$1.key" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" -out "$1.key" 2>/dev/null; }

ca_ext() { # name bc ku
  printf '[v]\nbasicConstraints=critical,%s\nkeyUsage=critical,%s\nsubjectKeyIdentifier=hash\n' "$2" "$3" > "$1.ext"
}

# mk NAME SUBJ_CN ISSUER(NAME|self) EXTFILE SIGOPTS [serial] [from] [to]
# (openssl 3.0's x509 has no -not_before, so `openssl ca` signs everything)
mk() {
  name=$1; cn=$2; issuer=$3; ext=$4; sig=$5; serial=${6:-1}; from=${7:-$DAYS_FROM}; to=${8:-$DAYS_TO}
  subj="/OU=Engineering/C=US/L=Santa Clara/ST=CA/O=Advanced Micro Devices/CN=$cn"
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  : > idx.txt
  printf '%02x\n' "$serial" > serial.txt
  printf '[ca]\ndefault_ca=c\n[c]\ndatabase=idx.txt\nserial=serial.txt\nnew_certs_dir=.\ndefault_md=sha384\npolicy=p\nunique_subject=no\npreserve=yes\n[p]\nCN=supplied\nOU=optional\nC=optional\nL=optional\nST=optional\nO=optional\n' > ca.cnf
  if [ "$issuer" = self ]; then
    set -- -selfsign -keyfile "$name.key"
  else
    set -- -cert "$issuer.pem" -keyfile "$issuer.key"
  fi
  openssl ca -batch -notext -config ca.cnf "$@" -in "$name.csr" -out "$name.pem" \
    -startdate "$from" -enddate "$to" -extfile "$ext" -extensions v $sig >/dev/null 2>&1
  rm -f "$name.csr" idx.txt* serial.txt* ca.cnf ./*.pem.tmp
  find . -maxdepth 1 -name '[0-9A-F][0-9A-F].pem' -delete
}

vcek_ext() { # file product bl tee snp ucode hwid [fmc] [cn-extra]
  {
    printf '[v]\nkeyUsage=critical,digitalSignature\n'
    printf '1.3.6.1.4.1.3704.1.1=ASN1:INTEGER:0\n'
    printf '1.3.6.1.4.1.3704.1.2=ASN1:IA5STRING:%s\n' "$2"
    printf '1.3.6.1.4.1.3704.1.3.1=ASN1:INTEGER:%s\n' "$3"
    printf '1.3.6.1.4.1.3704.1.3.2=ASN1:INTEGER:%s\n' "$4"
    printf '1.3.6.1.4.1.3704.1.3.3=ASN1:INTEGER:%s\n' "$5"
    printf '1.3.6.1.4.1.3704.1.3.8=ASN1:INTEGER:%s\n' "$6"
    [ -n "$7" ] && printf '1.3.6.1.4.1.3704.1.4=DER:%s\n' "$7"
    [ -n "${8:-}" ] && printf '1.3.6.1.4.1.3704.1.3.9=ASN1:INTEGER:%s\n' "$8"
    true
  } > "$1"
}

for k in ark ask ark_p1 ask_p1 asvk ask_nobc ask_noca ark_turin ask_turin; do key_rsa $k; done
for k in vcek vlek vcek_turin; do key_ec $k P-384; done
key_ec vcek_p256 P-256

ca_ext ark_v "CA:true" "keyCertSign,cRLSign"
ca_ext ask_v "CA:true,pathlen:0" "keyCertSign,cRLSign"
printf '[v]\nkeyUsage=critical,keyCertSign\n' > nobc.ext
printf '[v]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,keyCertSign\n' > noca.ext
ca_ext ark_pl0 "CA:true,pathlen:0" "keyCertSign,cRLSign"

# PSS Milan-shaped PKI
mk ark ARK-Milan self ark_v.ext "$PSS"
mk ask SEV-Milan ark ask_v.ext "$PSS"
vcek_ext vcek.ext Milan-B0 3 0 8 115 "$CHIP"
mk vcek SEV-VCEK ask vcek.ext "$PSS" 0
# same key, wrong SPL / hwID / product; P-256 key; expired
vcek_ext vcek_badspl.ext Milan-B0 3 0 7 115 "$CHIP"
cp vcek.key vcek_badspl.key; mk vcek_badspl SEV-VCEK ask vcek_badspl.ext "$PSS" 0
vcek_ext vcek_badhwid.ext Milan-B0 3 0 8 115 "$(printf '22%.0s' $(seq 1 64))"
cp vcek.key vcek_badhwid.key; mk vcek_badhwid SEV-VCEK ask vcek_badhwid.ext "$PSS" 0
vcek_ext vcek_genoa.ext Genoa 3 0 8 115 "$CHIP"
cp vcek.key vcek_genoa.key; mk vcek_genoa SEV-VCEK ask vcek_genoa.ext "$PSS" 0
cp vcek.key vcek_old.key; mk vcek_old SEV-VCEK ask vcek.ext "$PSS" 0 200101000000Z 240101000000Z
mk vcek_p256 SEV-VCEK ask vcek.ext "$PSS" 0
# VLEK via ASVK
mk asvk SEV-VLEK-Milan ark ask_v.ext "$PSS" 2
vcek_ext vlek.ext Milan-B0 3 0 8 115 ""
mk vlek SEV-VLEK asvk vlek.ext "$PSS" 5
# broken intermediates
mk ask_nobc SEV-Milan ark nobc.ext "$PSS" 3
cp vcek.key vcek_nobc.key; mk vcek_nobc SEV-VCEK ask_nobc vcek.ext "$PSS" 0
mk ask_noca SEV-Milan ark noca.ext "$PSS" 4
cp vcek.key vcek_noca.key; mk vcek_noca SEV-VCEK ask_noca vcek.ext "$PSS" 0
# PKCS#1 v1.5 PKI (the reference's synthetic chains)
mk ark_p1 ARK-Milan self ark_v.ext ""
mk ask_p1 SEV-Milan ark_p1 ask_v.ext ""
cp vcek.key vcek_p1.key; mk vcek_p1 SEV-VCEK ask_p1 vcek.ext "" 0
# Turin-shaped PKI (fmc SPL, 8-byte hwID)
mk ark_turin ARK-Turin self ark_v.ext "$PSS"
mk ask_turin SEV-Turin ark_turin ask_v.ext "$PSS"
vcek_ext vcek_turin.ext Turin 2 3 4 5 "$TCHIP" 1
mk vcek_turin SEV-VCEK ask_turin vcek_turin.ext "$PSS" 0
# CRL from the ASK revoking the VCEK (serial 0)
printf '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha384\ndefault_crl_days=3650\n' > crl.cnf
printf 'R\t350101000000Z\t250101000000Z\t00\tunknown\t/CN=SEV-VCEK\n' > index.txt
echo 01 > crlnumber
openssl ca -config crl.cnf -gencrl -keyfile ask.key -cert ask.pem -out ask_revokes_vcek.crl.pem 2>/dev/null
: > index.txt
echo 02 > crlnumber
openssl ca -config crl.cnf -gencrl -keyfile ask.key -cert ask.pem -out ask_empty.crl.pem 2>/dev/null
rm -f index.txt* crlnumber* crl.cnf *.ext
# raw private scalars for the tests' report signing
for k in vcek vlek vcek_turin; do
  openssl pkey -in $k.key -text -noout 2>/dev/null | awk '/priv:/{f=1;next}/pub:/{f=0}f' | tr -d ' :\n' | sed 's/^00//' > $k.scalar.hex
done
rm -f ./*.key  # test keys are regenerated on each run; only the scalars above are kept
# Azure vTPM attestation key (test only): PKCS#8 private key, SPKI and PKCS#1
# public PEMs, and the JWK n (base64url) for runtime_data.
if [ ! -f ak.pkcs8.pem ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ak.pkcs8.pem 2>/dev/null
fi
openssl pkey -in ak.pkcs8.pem -pubout -out ak.spki.pem 2>/dev/null
openssl rsa -in ak.pkcs8.pem -RSAPublicKey_out -out ak.pkcs1.pem 2>/dev/null
openssl rsa -in ak.pkcs8.pem -noout -modulus | sed 's/^Modulus=//' | python3 -c 'import sys,base64;print(base64.urlsafe_b64encode(bytes.fromhex(sys.stdin.read().strip())).decode().rstrip("="),end="")' > ak.n.b64u
