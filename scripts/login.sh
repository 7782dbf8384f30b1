#!/usr/bin/env bash
# Logs in as the demo user that scripts/run.sh created, both legs, interactively: asks for the PIN, sends it
# (the MFA server answers CHALLENGE and sends the OTP by SMS through the gateway), shows the SMS the emulated
# phone received, asks for the OTP and sends it with the transaction id (ACCEPT).
# Usage: ./scripts/login.sh [DATA_DIR]   (default: $OSPREY_DATA or osprey-data)
set -euo pipefail
data="${1:-${OSPREY_DATA:-osprey-data}}"
mfa="${OSPREY_MFA_URL:-http://127.0.0.1:5000}"
phone_log="$data/phone.jsonl"
lines() { if [ -f "$phone_log" ]; then wc -l <"$phone_log"; else echo 0; fi; }

read -r -s -p "PIN of user demo: " pin
echo
before="$(lines)"
reply="$(curl -s "$mfa/validate/check" --data-urlencode user=demo --data-urlencode "pass=$pin")"
echo "MFA server: $reply"
tid="$(printf '%s' "$reply" | sed -n 's/.*"transaction_id" *: *"\([0-9]*\)".*/\1/p' | head -n 1)"
if [ -z "$tid" ]; then
  echo "login.sh: no challenge (wrong PIN?)" >&2
  exit 1
fi
echo "Waiting for the SMS on the emulated phone..."
for _ in $(seq 1 150); do
  [ "$(lines)" -gt "$before" ] && break
  sleep 0.2
done
if [ "$(lines)" -le "$before" ]; then
  echo "login.sh: no SMS arrived in $phone_log within 30 s" >&2
  exit 1
fi
echo "Phone: $(tail -n 1 "$phone_log")"
read -r -p "OTP from the SMS: " otp
curl -s "$mfa/validate/check" --data-urlencode user=demo --data-urlencode "transaction_id=$tid" \
  --data-urlencode "pass=$otp"
echo
