#!/usr/bin/env bash
# The main job: installs what is missing, builds an optimised `osprey`, and on first use creates the data
# directory (osprey-data/, or $OSPREY_DATA) configured as SMSEagle's privacyIDEA integration manual says
# (docs/smseagle-privacyidea.md): the SMS gateway with one emulated GSM modem, a gateway user whose APIv2 token
# may only send SMS, and the MFA server with an HttpSMSProvider gateway definition pointing at the gateway's
# /api/v2/messages/sms and a demo user with an SMS token. Then runs both services in the foreground until
# Ctrl-C. Running it again reuses the data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Let ccache share results between clones in different folders (CI builds in a fresh clone).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -G Ninja -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DOSPREY_BUILD_TESTS=OFF -DOSPREY_BUILD_BENCH=OFF >/dev/null
cmake --build build/release --target osprey
bin="$PWD/build/release/osprey"
data="${OSPREY_DATA:-osprey-data}"
mkdir -p "$data"
data="$(cd "$data" && pwd)"
cfg="$data/osprey.toml"
# The data directory's own settings win over the caller's environment.
unset OSPREY_CONFIG OSPREY_DATABASE_URL OSPREY_MFA_LISTEN OSPREY_GATEWAY_LISTEN
mfa_url="http://127.0.0.1:5000"
gw_url="http://127.0.0.1:8080"
demo_phone="+15550100001"

provision() {
  "$bin" init --dir "$data" >/dev/null
  # One emulated modem: libgammu's proxyat connection runs the emulator with the modem line on its stdio; what
  # the recipient's phone shows is appended to phone.jsonl.
  cat >>"$cfg" <<EOF

[[gateway.modem]]
number = 1
connection = "proxyat"
device = "$bin modem-emulator --stdio --record $data/phone.jsonl"
EOF
  # SMSEagle setup, steps 1-5: a user with access level "user", an APIv2 token, permission "Send SMS" only.
  "$bin" gateway user add privacyidea --level user --apiv2 true --config "$cfg" >/dev/null
  local token
  token="$("$bin" gateway token generate privacyidea --kind apiv2 --json --config "$cfg" |
    sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')"
  [ -n "$token" ] || { echo "run.sh: no gateway token was generated" >&2; exit 1; }
  "$bin" gateway token permit privacyidea --grant messages.send_sms --config "$cfg" >/dev/null
  # privacyIDEA setup: the SMS gateway definition of the manual, used for every SMS token (sms.identifier).
  # (The token goes in on stdin: secret values never appear on a command line.)
  printf '%s\n' "$token" | "$bin" mfa smsgateway set smseagle --config "$cfg" \
    --module privacyidea.lib.smsprovider.HttpSMSProvider.HttpSMSProvider \
    --description "SMSEagle APIv2 (the integration manual's configuration)" \
    --option "URL=$gw_url/api/v2/messages/sms" --option HTTP_METHOD=POST --option SEND_DATA_AS_JSON=yes \
    --option 'to=["{phone}"]' --option 'text="Your OTP code is: {otp}"' \
    --option RETURN_SUCCESS=queued --option RETURN_FAIL=REJECTED --option TIMEOUT=3 \
    --header access-token >/dev/null
  "$bin" mfa config set sms.identifier smseagle --config "$cfg" >/dev/null
  # A demo user with an SMS token.
  "$bin" mfa resolver add demo-users --type sql --config "$cfg" >/dev/null
  "$bin" mfa realm set demo demo-users --config "$cfg" >/dev/null
  "$bin" mfa user add demo-users demo --givenname Demo --surname User --mobile "$demo_phone" --config "$cfg" >/dev/null
  local pin
  pin="$(printf '%06d' $(($(od -An -N4 -tu4 /dev/urandom) % 1000000)))"
  printf '%s\n' "$pin" |
    "$bin" mfa token init --type sms --serial DEMO-SMS-1 --user demo --realm demo --phone "$demo_phone" --pin \
      --config "$cfg" >/dev/null
  cat >"$data/LOGIN.txt" <<EOF
Osprey is running: MFA server $mfa_url, SMS gateway $gw_url (one emulated modem).

Log in as the demo user "demo" (realm "demo", PIN $pin, SMS token DEMO-SMS-1 for $demo_phone):

1. First leg, the PIN alone. The reply says "authentication": "CHALLENGE" and carries a "transaction_id":
     curl -s $mfa_url/validate/check -d user=demo -d pass=$pin

2. The SMS went through the gateway to the emulated phone ("Your OTP code is: NNNNNN"). Read it with:
     tail -n 1 $data/phone.jsonl

3. Second leg, the transaction id and the OTP from the SMS. The reply says "authentication": "ACCEPT":
     curl -s $mfa_url/validate/check -d user=demo -d transaction_id=TRANSACTION_ID -d pass=OTP
   (replace TRANSACTION_ID with the number from step 1 and OTP with the six digits from step 2).

Or all three steps interactively: ./scripts/login.sh $data

These instructions are kept in $data/LOGIN.txt.
EOF
  chmod 600 "$data/LOGIN.txt"
  cat "$data/LOGIN.txt"
}

if [ ! -f "$data/.provisioned" ]; then
  if [ -f "$cfg" ]; then
    echo "run.sh: $data was made by an interrupted setup or an older run.sh; remove it and run again" >&2
    exit 1
  fi
  provision
  touch "$data/.provisioned"
else
  echo "MFA server:  $mfa_url   SMS gateway: $gw_url   (login instructions: $data/LOGIN.txt)"
fi
exec "$bin" serve --config "$cfg"
