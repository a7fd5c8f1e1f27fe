"""The documented limits agree with each other."""

import tomllib

from explorer.corpus import MAX_DOCUMENT_BYTES, MB

from .conftest import ROOT


def test_upload_limit_is_the_document_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # the server counts its megabytes in binary, the limit in decimal: the server never refuses a file first
    assert config["server"]["maxUploadSize"] == MAX_DOCUMENT_BYTES // MB
    assert config["server"]["maxUploadSize"] * 2**20 >= MAX_DOCUMENT_BYTES
    assert f"{MAX_DOCUMENT_BYTES // MB} MB" in (ROOT / "README.md").read_text()
