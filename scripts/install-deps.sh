#!/usr/bin/env bash
# Installs the system packages govpki's build and tests need, when missing:
# libpq (diesel's PostgreSQL backend links it), the openssl CLI (the tests
# verify every certificate with it), pkg-config, a C compiler
# for aws-lc-sys, and headless Chromium with its WebDriver (chromedriver)
# for the browser test (tests/portal_browser.rs), and SoftHSM2 (a PKCS#11
# token in software) for the HSM tests (tests/hsm.rs). Safe to run repeatedly;
# needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
dpkg -s libpq-dev >/dev/null 2>&1 || need+=(libpq-dev)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v cc >/dev/null 2>&1 || need+=(build-essential)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v softhsm2-util >/dev/null 2>&1 || need+=(softhsm2)

if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
