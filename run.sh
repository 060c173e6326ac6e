#!/usr/bin/env bash
# The two commands of the README:
#   ./run.sh chat   set everything up (venv, packages, local model, index) and start the chat
#   ./run.sh test   set everything up (plus test tools and Chromium) and run the tests
# Both install Tesseract's English model (Debian tesseract-ocr-eng) for OCR when it is missing.
# Other verbs: setup (set up only), bench, eval. Each step is skipped when already done, so a
# second run on a ready machine starts in seconds. Only the package registries are contacted.
set -euo pipefail
cd "$(dirname "$0")"
VENV=.venv
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

pick_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  echo "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)" >&2
  exit 1
}

# install_packages runtime|dev: pip install the project (dev adds the test and eval tools),
# once per content of pyproject.toml and constraints.txt.
install_packages() {
  local want
  want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
  for stamp in "$VENV/.installed-dev" "$VENV/.installed-$1"; do
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  done
  local spec="." ; [ "$1" = dev ] && spec=".[dev]"
  if [ ! -x "$PY" ]; then
    log "creating virtual environment in $VENV"
    "$(pick_python)" -m venv "$VENV"
  fi
  local extra_index=()
  # The CPU build of torch comes from pip's find-links when the machine provides it, else from
  # the PyTorch CPU index (no CUDA packages either way).
  if ! ls "${PIP_FIND_LINKS:-/opt/wheels}"/torch-2.13.0+cpu-* >/dev/null 2>&1; then
    extra_index=(--extra-index-url https://download.pytorch.org/whl/cpu)
  fi
  log "installing packages ($1)"
  "$PY" -m pip install --disable-pip-version-check -q -c constraints.txt \
    ${extra_index[@]+"${extra_index[@]}"} -e "$spec"
  echo "$want" > "$VENV/.installed-$1"
  INSTALLED=1
}

install_model() {
  "$PY" -m assistant install-model
}

build_index() {
  "$PY" -m assistant index
}

# OCR (assistant/readers/ocr.py): tesserocr's wheel carries Tesseract itself; its English model
# comes from Debian's tesseract-ocr-eng (data only: recommends left out).
# The folders looked in are readers/ocr.py's (find_tessdata).
install_ocr_model() {
  local prefix="${TESSDATA_PREFIX:-/nonexistent}" dir
  for dir in "$prefix" "$prefix/tessdata" /usr/share/tesseract-ocr/*/tessdata /usr/share/tessdata \
             /usr/local/share/tessdata /opt/homebrew/share/tessdata; do
    [ -f "$dir/eng.traineddata" ] && return
  done
  log "installing Tesseract's English model for OCR (Debian package tesseract-ocr-eng)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends tesseract-ocr-eng >/dev/null
}

install_browser() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then return; fi
  log "installing Chromium for the browser tests (Debian packages chromium, chromium-driver)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    chromium chromium-driver >/dev/null
}

# setup runtime|dev [index]: packages, model and (unless told otherwise) the index. When packages
# were installed, the whole setup's seconds go to .venv/.setup-seconds (the benchmark reports it).
INSTALLED=0
setup() {
  local start=$SECONDS
  install_packages "$1"
  install_ocr_model
  install_model
  [ "${2:-index}" = index ] && build_index
  if [ "$INSTALLED" = 1 ]; then echo $((SECONDS - start)) > "$VENV/.setup-seconds"; fi
}

cmd=${1:-chat}
shift || true
case "$cmd" in
  # the chat builds or updates the index itself as it loads (and says what it did)
  chat)  setup runtime no-index; log "serving the chat on http://${ASSISTANT_HOST:-127.0.0.1}:${ASSISTANT_PORT:-7860} (the index and model load meanwhile)"
         exec "$PY" app.py "$@" ;;
  test)  setup dev; install_browser; exec "$PY" -m pytest "$@" ;;
  setup) setup dev ;;
  bench) setup dev; exec "$PY" -m evals.benchmark "${@:-all}" ;;
  eval)  setup dev; exec "$PY" -m evals.run "$@" ;;
  *) echo "usage: ./run.sh {chat|test|setup|bench|eval} [args...]" >&2; exit 2 ;;
esac
