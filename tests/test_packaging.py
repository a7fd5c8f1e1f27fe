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
