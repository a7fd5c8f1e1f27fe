from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_corpus():
    from explorer.corpus import load_folder

    return load_folder(SEEDS)


@pytest.fixture(scope="session")
def seed_table(seed_corpus):
    from explorer.events import events_table

    return events_table(seed_corpus.documents)
