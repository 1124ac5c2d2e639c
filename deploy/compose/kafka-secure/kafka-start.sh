#!/usr/bin/env bash
# Starts the secure profile's broker (apache/kafka image, KRaft, one node) from the generated secrets in
# /etc/kafka/secrets (generate-secrets.sh):
#   - clients and the inter-broker listener: SASL_SSL with SCRAM-SHA-512; the controller listener: SASL_SSL
#     with PLAIN (KRaft controllers cannot use SCRAM, whose credentials live in the metadata they serve);
#   - the StandardAuthorizer with no access unless an ACL allows it; admin is the only super user;
#   - the SCRAM credentials of every principal are written when the storage is first formatted.
# The environment may move it (KafkaSecureBrokerIT runs this script outside a container): KAFKA_HOME,
# KAFKA_SECRETS, KAFKA_DATA, KAFKA_CONFIG, KAFKA_HOSTNAME, KAFKA_BROKER_PORT, KAFKA_EXTERNAL_PORT,
# KAFKA_CONTROLLER_PORT, KAFKA_LISTEN_HOST (default: every interface of the container).
set -euo pipefail
home="${KAFKA_HOME:-/opt/kafka}"
secrets="${KAFKA_SECRETS:-/etc/kafka/secrets}"
config="${KAFKA_CONFIG:-/tmp/kafka-secure.properties}"
host="${KAFKA_HOSTNAME:-kafka-secure}"
broker_port="${KAFKA_BROKER_PORT:-19094}"
external_port="${KAFKA_EXTERNAL_PORT:-9094}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
listen="${KAFKA_LISTEN_HOST:-}"
store_password="$(cat "$secrets/store-password")"
admin_password="$(cat "$secrets/scram/admin")"

cat >"$config" <<PROPS
node.id=1
process.roles=broker,controller
controller.quorum.voters=1@$host:$controller_port
listeners=BROKER://$listen:$broker_port,EXTERNAL://$listen:$external_port,CONTROLLER://$listen:$controller_port
advertised.listeners=BROKER://$host:$broker_port,EXTERNAL://localhost:$external_port
listener.security.protocol.map=BROKER:SASL_SSL,EXTERNAL:SASL_SSL,CONTROLLER:SASL_SSL
inter.broker.listener.name=BROKER
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_password" user_admin="$admin_password";
listener.name.broker.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.location=$secrets/kafka.keystore.p12
ssl.keystore.type=PKCS12
ssl.keystore.password=$store_password
ssl.key.password=$store_password
ssl.truststore.location=$secrets/kafka.truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=$store_password
ssl.endpoint.identification.algorithm=https
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.dirs=${KAFKA_DATA:-/var/lib/kafka/data}
PROPS

scram=()
for file in "$secrets"/scram/*; do
  scram+=(--add-scram "SCRAM-SHA-512=[name=$(basename "$file"),password=$(cat "$file")]")
done
"$home/bin/kafka-storage.sh" format --ignore-formatted -t "${CLUSTER_ID:-MkU3OEVBNTcwNTJENDM2Qg}" -c "$config" "${scram[@]}"
exec "$home/bin/kafka-server-start.sh" "$config"
