#!/bin/sh
# The system packages the test suite needs, installed when missing (Debian and Ubuntu):
#   chromium    the browser tests (Playwright drives the system Chromium; it never downloads one)
#   postgresql  the scale-out test (tests/test_scale_out.py: initdb, pg_ctl, psql)
# Nothing happens when both are present. Without apt-get, it says what is missing and goes
# on: the tests that need a missing program are skipped.
set -eu

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing="$missing postgresql"
fi
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
