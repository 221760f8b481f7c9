# .ci/start-chromium.sh — sourced by .ci/run (bash, set -euo pipefail on).
# Headless Chromium for the browser tests of the OAuth consent page
# (examples/demoapi), from Debian's packages: installed when missing,
# never downloaded by the tests. Exports CHROMIUM_PATH, which the tests
# read; there is no server to stop.
if ! command -v chromium >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "start-chromium: chromium is missing and installing it needs root (apt-get install chromium)" >&2
		return 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
CHROMIUM_PATH=$(command -v chromium)
export CHROMIUM_PATH
echo "start-chromium: $("$CHROMIUM_PATH" --version 2>/dev/null || echo "$CHROMIUM_PATH")"
