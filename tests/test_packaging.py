"""The project's files agree with each other."""

import csv
import tomllib

from .conftest import ROOT, SEEDS


def test_requirements_txt_matches_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert sorted(line for line in lines if line and not line.startswith("#")) == sorted(project["dependencies"])


def test_seed_manifest_describes_every_seed():
    rows = list(csv.DictReader((SEEDS / "manifest.csv").read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["file", "title", "source", "url", "published"]
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(r["published"] and r["source"] and r["title"] for r in rows)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_an_installed_wheel_carries_its_data(tmp_path):
    """Installed from a wheel, away from the source tree, the package still names actors and
    folds words (its actor list and stop words are package data)."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    tmp_path / "wheel", ROOT], check=True, capture_output=True)
    wheel = next((tmp_path / "wheel").glob("*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", tmp_path / "site", wheel],
                   check=True, capture_output=True)
    code = ("import explorer.actors as a; "
            "import explorer.words as w; "
            "import explorer.engines.local as e; "  # a subpackage: listed in pyproject's packages
            "print(a.DEFAULT_LIST.is_relative_to(sys.argv[1]), len(a.load_actors()) > 10, "
            "w.__file__.startswith(sys.argv[1]) and len(w.ENGLISH_STOP_WORDS) > 300, "
            "e.__file__.startswith(sys.argv[1]))")
    done = subprocess.run([sys.executable, "-c", "import sys; " + code, str(tmp_path / "site")], cwd=tmp_path,
                          env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "True", "True", "True"], done.stderr
