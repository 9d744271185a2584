#!/usr/bin/env bash
# Makes sure the Debian packages the portal needs are installed.
#   scripts/system-packages.sh runtime   WeasyPrint's libraries (Pango, HarfBuzz) and a font
#   scripts/system-packages.sh test      the above, plus Chromium, poppler-utils, LibreOffice Calc
#                                        (opens the CSV exports as a spreadsheet would) and redis-server
#                                        (the Redis fault tests stop a private one) for the tests
# As root it installs what is missing with apt-get; otherwise it says what to install.
set -euo pipefail

runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
test=(chromium chromium-driver poppler-utils libreoffice-calc-nogui redis-server)

wanted=("${runtime[@]}")
if [ "${1:-runtime}" = "test" ]; then
  wanted+=("${test[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Debian packages needed and not installed: ${missing[*]}"
echo "(WeasyPrint, which renders minutes and reports to PDF, needs Pango and HarfBuzz.)"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing them with apt-get..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "Installed: ${missing[*]}"
else
  echo "Install them with: sudo apt-get install ${missing[*]}"
  if [ "${1:-runtime}" = "test" ]; then
    exit 1
  fi
  echo "The portal runs without them, but PDF jobs will fail until they are installed."
fi
