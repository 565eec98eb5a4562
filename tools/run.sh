#!/usr/bin/env bash
# `make run`: start the bridge in the foreground on 127.0.0.1:1883 with the store in var/.
# On first start (no store yet) it provisions, through the engine's admin API
# (build/xbdemo), a demo user, a public feed with datastream "temperature" and a device
# key for that feed, then prints ready-to-paste mosquitto_sub / mosquitto_pub lines.
#
# Environment (for tests and for running several bridges side by side):
#   XB_BUILD       build directory (build)
#   XB_RUN_DIR     where the store and the demo settings live (var)
#   XB_RUN_LISTEN  plain listener (127.0.0.1:1883); further arguments go to xbridge
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${XB_BUILD:-build}
DIR=${XB_RUN_DIR:-var}
LISTEN=${XB_RUN_LISTEN:-127.0.0.1:1883}
DB="$DIR/xbridge.db"
ENV_FILE="$DIR/demo.env"
HOST=${LISTEN%:*}
PORT=${LISTEN##*:}
HOST=${HOST#[}
HOST=${HOST%]}

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

  Stop the bridge with Ctrl-C (the store stays in $DIR/).

EOF
else
  echo "run: $DB exists without $ENV_FILE; starting it as it is" >&2
fi
exec "$BUILD/xbridge" --db "$DB" --listen "$LISTEN" "$@"
