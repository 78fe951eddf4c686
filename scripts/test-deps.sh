#!/bin/sh
# The system packages the test suite needs, installed when missing (Debian and Ubuntu):
#   chromium    the browser tests (Playwright drives the system Chromium; it never downloads one)
#   postgresql  the scale-out test (tests/test_scale_out.py: initdb, pg_ctl, psql)
#   hunspell-de-de hunspell-fr hunspell-es hunspell-ru
#               the spelling dictionaries of German, French, Spanish and Russian, looked for in
#               /usr/share/hunspell ($COPYDESK_HUNSPELL_DIR overrides it, for the tests of this
#               script); copydesk skips a language's spelling without its dictionary
# Nothing happens when all are present. Without apt-get, it says what is missing and goes
# on: the tests that need a missing program or dictionary are skipped.
set -eu

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing="$missing postgresql"
fi
dictionaries="${COPYDESK_HUNSPELL_DIR:-/usr/share/hunspell}"
for package_dictionary in de-de:de_DE fr:fr_FR es:es_ES ru:ru_RU; do
    [ -e "$dictionaries/${package_dictionary#*:}.dic" ] || missing="$missing hunspell-${package_dictionary%%:*}"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: install$missing with your package manager; tests that need them are skipped" >&2
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "test-deps: installing$missing" >&2
$sudo apt-get update -qq
# shellcheck disable=SC2086  # one word per package
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2
