#!/usr/bin/env bash
# `make run`: start the bridge in the foreground on 127.0.0.1:1883 (MQTT) and
# 127.0.0.1:8883 (MQTT over TLS, issue #7) with the store in var/.
# On first start (no store yet) it provisions, through the engine's admin API
# (build/xbdemo), a demo user, a public feed with datastream "temperature" and a device
# key for that feed, then prints ready-to-paste mosquitto_sub / mosquitto_pub lines.
# Without a certificate yet, it makes a self-signed development certificate for
# localhost and 127.0.0.1 with the openssl command (var/tls-cert.pem, var/tls-key.pem,
# valid 365 days); the printed TLS lines verify the bridge with --cafile var/tls-cert.pem.
#
# Environment (for tests and for running several bridges side by side):
#   XB_BUILD           build directory (build)
#   XB_RUN_DIR         where the store, the demo settings and the certificate live (var)
#   XB_RUN_LISTEN      plain listener (127.0.0.1:1883); further arguments go to xbridge
#   XB_RUN_LISTEN_TLS  TLS listener (127.0.0.1:8883); `none` for no TLS
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${XB_BUILD:-build}
DIR=${XB_RUN_DIR:-var}
LISTEN=${XB_RUN_LISTEN:-127.0.0.1:1883}
LISTEN_TLS=${XB_RUN_LISTEN_TLS:-127.0.0.1:8883}
DB="$DIR/xbridge.db"
ENV_FILE="$DIR/demo.env"
CERT="$DIR/tls-cert.pem"
KEY="$DIR/tls-key.pem"
HOST=${LISTEN%:*}
PORT=${LISTEN##*:}
HOST=${HOST#[}
HOST=${HOST%]}
TLS_HOST=${LISTEN_TLS%:*}
TLS_PORT=${LISTEN_TLS##*:}
TLS_HOST=${TLS_HOST#[}
TLS_HOST=${TLS_HOST%]}

for p in xbridge xbdemo; do
  if [ ! -x "$BUILD/$p" ]; then
    echo "run: $BUILD/$p is missing; run make first" >&2
    exit 1
  fi
done

mkdir -p "$DIR"
chmod 700 "$DIR"
# A store without its demo settings (or the reverse) is provisioned afresh only when the
# store does not exist: an existing store is never touched.
if [ ! -f "$DB" ]; then
  rm -f "$ENV_FILE"
  "$BUILD/xbdemo" --db "$DB" demo > "$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  echo "run: provisioned a demo user, feed and device key in $DB"
fi
TLS_ARGS=()
if [ "$LISTEN_TLS" != none ]; then
  if [ ! -f "$CERT" ] || [ ! -f "$KEY" ]; then
    command -v openssl >/dev/null || { echo "run: the openssl command is missing (apt install openssl)" >&2; exit 1; }
    # A development certificate only: self-signed, for the names clients use locally.
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -days 365 -subj "/CN=xbridge development" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
      -keyout "$KEY.tmp" -out "$CERT.tmp" >/dev/null 2>&1) ||
      { echo "run: openssl could not make a development certificate" >&2; exit 1; }
    mv "$KEY.tmp" "$KEY"
    mv "$CERT.tmp" "$CERT"
    chmod 644 "$CERT"
    echo "run: made a self-signed development certificate $CERT (key $KEY)"
  fi
  TLS_ARGS=(--listen-tls "$LISTEN_TLS" --tls-cert "$CERT" --tls-key "$KEY")
fi
if [ -f "$ENV_FILE" ]; then
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  FEED_TOPIC="/v2/feeds/$XB_DEMO_FEED.json"
  DS_TOPIC="/v2/feeds/$XB_DEMO_FEED/datastreams/temperature.json"
  cat <<EOF

  demo key (device key for feed $XB_DEMO_FEED): $XB_DEMO_KEY
  master key of user demo (keys, triggers):  $XB_DEMO_MASTER_KEY

  Watch the feed (its current state at once, then every change):
    mosquitto_sub -h $HOST -p $PORT -u $XB_DEMO_KEY -t $FEED_TOPIC -v

  Write the temperature, from another terminal:
    mosquitto_pub -h $HOST -p $PORT -u $XB_DEMO_KEY -t $DS_TOPIC -m '{"current_value":"21.5"}'

  The same with the key as topic prefix instead of the user name:
    mosquitto_pub -h $HOST -p $PORT -t $XB_DEMO_KEY$DS_TOPIC -m '{"current_value":"22.0"}'
EOF
  if [ "$LISTEN_TLS" != none ]; then
    cat <<EOF

  Over TLS on port $TLS_PORT (the key travels encrypted), verified with the development certificate:
    mosquitto_sub -h $TLS_HOST -p $TLS_PORT --cafile $CERT -u $XB_DEMO_KEY -t $FEED_TOPIC -v
    mosquitto_pub -h $TLS_HOST -p $TLS_PORT --cafile $CERT -u $XB_DEMO_KEY -t $DS_TOPIC -m '{"current_value":"23.0"}'
EOF
  fi
  cat <<EOF

  Stop the bridge with Ctrl-C (the store stays in $DIR/).

EOF
else
  echo "run: $DB exists without $ENV_FILE; starting it as it is" >&2
fi
exec "$BUILD/xbridge" --db "$DB" --listen "$LISTEN" "${TLS_ARGS[@]}" "$@"
