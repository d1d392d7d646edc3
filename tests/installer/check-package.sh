#!/usr/bin/env bash
# Usage: check-package.sh <build dir> <version>. Runs CPack (DEB + TGZ) into a temp dir and verifies contents.
set -euo pipefail
build="$1"
version="$2"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G "DEB;TGZ" -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; fail "cpack failed"; }
deb=$(ls "$out"/meridian_"$version"*_*.deb 2>/dev/null | head -n1)
tgz=$(ls "$out"/meridian-"$version"-*.tar.gz 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "no .deb produced: $(ls "$out")"
[ -n "$tgz" ] || fail "no .tar.gz produced: $(ls "$out")"

contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/meridian ./usr/bin/meridian-cli ./usr/share/applications/meridian.desktop \
         ./usr/share/icons/hicolor/scalable/apps/meridian.svg; do
  grep -q " $f\$" <<<"$contents" || fail "$f missing from $(basename "$deb")"
done
for f in ./usr/lib/systemd/system/meridian-serve.service ./usr/share/doc/meridian/meridian-serve.env.example; do
  grep -q " $f\$" <<<"$contents" || fail "$f missing from $(basename "$deb")"
done
[ "$(dpkg-deb -f "$deb" Package)" = meridian ] || fail "bad package name"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6widgets6 libqt6sql6-sqlite libpqxx; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

# The desktop entry launches the installed binary and names the installed icon.
mkdir -p "$out/x" && dpkg-deb -x "$deb" "$out/x"
desktop="$out/x/usr/share/applications/meridian.desktop"
grep -q '^Exec=meridian$' "$desktop" || fail "desktop Exec"
grep -q '^Icon=meridian$' "$desktop" || fail "desktop Icon"
grep -q '^Type=Application$' "$desktop" || fail "desktop Type"
unit="$out/x/usr/lib/systemd/system/meridian-serve.service"
grep -q '^ExecStart=/usr/bin/meridian-cli serve$' "$unit" || fail "systemd unit ExecStart"
grep -q '^EnvironmentFile=' "$unit" || fail "systemd unit takes secrets from an EnvironmentFile"
grep -q '^Restart=on-failure$' "$unit" || fail "systemd unit Restart"
grep -q '^ProtectSystem=strict$' "$unit" || fail "systemd unit hardening"
if grep -Eiq '^Environment=.*(PASSWORD|SECRET|API_KEY|PG_URI|REDIS_URL)' "$unit"; then fail "secret in the systemd unit"; fi
"$out/x/usr/bin/meridian-cli" --version | grep -q "meridian-cli $version" || fail "installed meridian-cli does not run"

listing=$(tar -tzf "$tgz")
grep -q "/bin/meridian$" <<<"$listing" || fail "meridian missing from $(basename "$tgz")"
echo "package ok: $(basename "$deb") ($(du -h "$deb" | cut -f1)), $(basename "$tgz")"
