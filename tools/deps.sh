#!/usr/bin/env bash
# Install the Debian packages xbridge needs, only those missing, so `make check` and
# `make run` work on a fresh Debian 12 machine. Then make sure Why3 knows the provers.
set -euo pipefail

PKGS=(
  gcc make pkg-config clang             # build; clang also drives libFuzzer builds
  check libsubunit-dev                  # unit tests
  libsqlite3-dev sqlite3                # embedded store
  libssl-dev openssl                    # TLS on 8883, development certificates
  frama-c-base why3 z3 cvc4             # proofs (Alt-Ergo and cvc5 are not usable here)
  afl++                                 # fuzzing
  mosquitto mosquitto-clients           # integration tests and the benchmark baseline
  python3 python3-paho-mqtt             # tools/trace and paho-based integration tests
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Why3 must have detected Z3 and CVC4 or WP cannot call them.
conf="${WHY3CONFIG:-$HOME/.why3.conf}"
if [ ! -f "$conf" ] || ! grep -q 'name = "CVC4"' "$conf" || ! grep -q 'name = "Z3"' "$conf"; then
  why3 config detect >/dev/null
fi
echo "deps: ok"
