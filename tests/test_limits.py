"""The documented limits agree with each other."""

import tomllib

from explorer.corpus import MAX_DOCUMENT_BYTES

from .conftest import ROOT


def test_upload_limit_is_the_document_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_DOCUMENT_BYTES
    assert f"{MAX_DOCUMENT_BYTES // 2**20} MB" in (ROOT / "README.md").read_text()
