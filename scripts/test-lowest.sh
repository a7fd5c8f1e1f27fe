#!/usr/bin/env bash
# The declared floors are tested floors: install every direct dependency of requirements.txt at its
# lowest allowed version (what `>=` lets Streamlit Community Cloud keep), then run the page's
# AppTests, the packaging tests and a seed build there. .ci/run runs this after scripts/test.sh.
#
#   bash scripts/test-lowest.sh                 # all in a temporary folder, removed afterwards
#   KEEP_LOWEST=1 bash scripts/test-lowest.sh   # keep that folder (its venv/) for a look
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=$(mktemp -d "${TMPDIR:-/tmp}/timeline-lowest.XXXXXX")
if [ -n "${KEEP_LOWEST:-}" ]; then echo "test-lowest: keeping $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
VENV=$WORK/venv
PY=$VENV/bin/python

fail() { echo "test-lowest: FAILED: $*" >&2; exit 1; }

echo "test-lowest: a venv at the lowest direct versions ($VENV)"
# uv from PyPI by pip, into the temporary folder: nothing is installed into the python running this
PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --disable-pip-version-check --target "$WORK/uv" uv
UV=$WORK/uv/bin/uv
# --seed: pip in the venv (the packaging test builds a wheel with it)
"$UV" venv -q --seed --python "$(python3 -c 'import sys; print(sys.executable)')" "$VENV"
# pytest at the floor of pyproject's test extra
PYTEST=$(python3 -c 'import tomllib; t = tomllib.load(open("pyproject.toml", "rb"))
print(next(r for r in t["project"]["optional-dependencies"]["test"] if r.startswith("pytest")))')
"$UV" pip install -q --python "$PY" --resolution lowest-direct -r requirements.txt "$PYTEST" \
  || fail "the floors in requirements.txt do not install together"

# Each floor must be the version installed: a floor no resolution can reach is a floor no test ran.
"$PY" - <<'EOF' || fail "a declared floor is not the version installed (raise it to the version shown)"
import sys
from importlib.metadata import version
from packaging.requirements import Requirement
from packaging.version import Version

bad = 0
for line in open("requirements.txt", encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    req = Requirement(line)
    floors = [s.version for s in req.specifier if s.operator == ">="]
    installed = version(req.name)
    note = "" if floors and Version(installed) == Version(floors[0]) else "   <-- floor " + (floors[0] if floors else "missing")
    bad += bool(note)
    print(f"  {req.name:20} {installed}{note}")
sys.exit(1 if bad else 0)
EOF

echo "test-lowest: the page's AppTests, the packaging tests and the stores' tests"
# pytest's report goes to a log, shown whole on a failure, so that on success the main suite's
# summary (scripts/test.sh, just before this in .ci/run) stays the last pytest summary of the run.
TESTS=(tests/test_app.py tests/test_packaging.py tests/test_store.py)
if ! "$PY" -m pytest -q --tb=short -p no:cacheprovider "${TESTS[@]}" >"$WORK/pytest.log" 2>&1; then
  cat "$WORK/pytest.log"
  fail "the page's tests fail at the lowest declared versions (above); when they pass at the latest" \
       "(scripts/test.sh), raise the floor of what broke to the lowest version they pass on"
fi
echo "test-lowest: ${TESTS[*]}: $(tail -n 1 "$WORK/pytest.log")"

echo "test-lowest: a seed build"
"$PY" -m explorer build seeds/ --out "$WORK/events.csv" || fail "the seed build fails at the lowest declared versions"
if ! cmp -s "$WORK/events.csv" data/events.csv; then
  diff -u data/events.csv "$WORK/events.csv" | head -40 >&2 || true
  fail "the seed build at the lowest declared versions differs from data/events.csv"
fi
echo "test-lowest: OK: the floors in requirements.txt run the page and the build"
