#!/usr/bin/env bash
# Generates what the compose profile "secure" needs (Kafka SASL_SSL with SCRAM-SHA-512 and ACLs), with the
# JDK's keytool only, into DIR (default deploy/compose/secrets, git-ignored: never commit generated keys):
#   ca.p12                 a private CA for this stack (key + certificate; keep it, or delete it after use)
#   kafka.keystore.p12     the broker's key and certificate (SAN kafka-secure, localhost), signed by the CA
#   kafka.truststore.p12   the CA certificate, for every client
#   store-password         the password of both stores (random)
#   scram/<principal>      one random SCRAM password per principal (admin and each service)
#   spring/<principal>/    that service's secret Spring properties, one file each (a Spring config tree):
#                          spring.kafka.properties.sasl.jaas.config, spring.kafka.ssl.trust-store-password
#   admin.properties       the admin client settings provision.sh uses inside the stack
# Usage: deploy/compose/kafka-secure/generate-secrets.sh [DIR]     (refuses to overwrite an existing DIR)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../secrets}"
principals=(admin scheduler-service failover-service monitor-service host-agent-h1 host-agent-h2 host-agent-h3)
broker_host=kafka-secure
validity_days=825

if [ -e "$dir/kafka.keystore.p12" ]; then
  echo "$dir already holds secrets; delete it first to generate new ones" >&2
  exit 1
fi
command -v keytool >/dev/null || { echo "keytool (from a JDK) must be on the PATH" >&2; exit 1; }
umask 077
mkdir -p "$dir/scram"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 32; }
store_password="$(random)"
printf '%s' "$store_password" >"$dir/store-password"

# The CA, then the broker's key pair, its signing request, the CA-signed certificate with the names clients use.
keytool -genkeypair -noprompt -alias ca -keyalg EC -groupname secp256r1 -dname "CN=kvm-ha compose CA" \
  -ext bc:c -validity "$validity_days" -keystore "$dir/ca.p12" -storetype PKCS12 -storepass "$store_password"
keytool -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -storepass "$store_password" -file "$work/ca.pem"
keytool -genkeypair -noprompt -alias kafka -keyalg EC -groupname secp256r1 -dname "CN=$broker_host" \
  -validity "$validity_days" -keystore "$dir/kafka.keystore.p12" -storetype PKCS12 -storepass "$store_password"
keytool -certreq -alias kafka -keystore "$dir/kafka.keystore.p12" -storepass "$store_password" -file "$work/kafka.csr"
keytool -gencert -rfc -alias ca -keystore "$dir/ca.p12" -storepass "$store_password" -infile "$work/kafka.csr" \
  -outfile "$work/kafka.pem" -validity "$validity_days" -ext "SAN=dns:$broker_host,dns:localhost" \
  -ext ku:c=digitalSignature,keyAgreement -ext eku=serverAuth
keytool -importcert -noprompt -alias ca -file "$work/ca.pem" -keystore "$dir/kafka.keystore.p12" -storepass "$store_password"
keytool -importcert -noprompt -alias kafka -file "$work/kafka.pem" -keystore "$dir/kafka.keystore.p12" -storepass "$store_password"
keytool -importcert -noprompt -alias ca -file "$work/ca.pem" -keystore "$dir/kafka.truststore.p12" \
  -storetype PKCS12 -storepass "$store_password"

for principal in "${principals[@]}"; do
  password="$(random)"
  printf '%s' "$password" >"$dir/scram/$principal"
  jaas="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$principal\" password=\"$password\";"
  if [ "$principal" = admin ]; then
    cat >"$dir/admin.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$jaas
ssl.truststore.location=/etc/kafka/secrets/kafka.truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=$store_password
PROPS
    continue
  fi
  # docker-compose.yml mounts this directory into the service and imports it as a config tree.
  mkdir -p "$dir/spring/$principal"
  printf '%s' "$jaas" >"$dir/spring/$principal/spring.kafka.properties.sasl.jaas.config"
  printf '%s' "$store_password" >"$dir/spring/$principal/spring.kafka.ssl.trust-store-password"
done
# The containers run as other users than this one: let them read what they mount (the directory stays
# git-ignored). The CA's key is mounted nowhere and stays private.
chmod -R a+rX "$dir"
chmod 600 "$dir/ca.p12"
echo "secrets for the secure profile written to $dir" >&2
