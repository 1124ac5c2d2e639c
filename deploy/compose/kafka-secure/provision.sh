#!/usr/bin/env bash
# Provisions the secure profile's broker as admin (runs once, in the kafka-secure-init container): the
# catalogue's topics from topics.tsv (the services do not create topics in this profile), then the ACLs
# from acls.tsv. Idempotent: existing topics and ACLs are left as they are, so it may run on every start.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bootstrap="${KAFKA_BOOTSTRAP:-kafka-secure:19094}"
admin="${KAFKA_ADMIN_CONFIG:-/etc/kafka/secrets/admin.properties}"
bin="${KAFKA_HOME:-/opt/kafka}/bin"

grep -v '^#' "$here/topics.tsv" | while IFS=$'\t' read -r topic partitions cleanup retention; do
  [ -n "$topic" ] || continue
  configs=(--config "cleanup.policy=$cleanup")
  [ "$retention" = "-" ] || configs+=(--config "retention.ms=$retention")
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor 1 "${configs[@]}"
done

grep -v '^#' "$here/acls.tsv" | while IFS=$'\t' read -r principal operation type pattern name; do
  [ -n "$principal" ] || continue
  "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --add \
    --allow-principal "User:$principal" --operation "$operation" --"$type" "$name" --resource-pattern-type "$pattern"
done
echo "provisioned $(grep -vc '^#' "$here/topics.tsv") topics and $(grep -vc '^#' "$here/acls.tsv") ACLs"
