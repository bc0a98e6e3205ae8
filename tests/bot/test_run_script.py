"""scripts/run.py (`make run`): sample catalog on first start, then the terminal chat or the Slack bot."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from copydesk.paths import EXAMPLES_DIR, PROJECT_ROOT
from tests.bot.conftest import write_sample_files


@pytest.fixture(scope="module")
def run_script():
    spec = importlib.util.spec_from_file_location("copydesk_run_script", PROJECT_ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_first_start_ingests_the_samples_once(run_script, tmp_path, shared_data, tiny_lm_dir):
    from bot.services import Services
    from tests.bot.conftest import bot_settings

    examples = tmp_path / "examples"
    write_sample_files(shared_data, examples / "catalog")
    shutil.copytree(EXAMPLES_DIR / "brands" / "pebble", examples / "brands" / "pebble")
    services = Services(bot_settings(tmp_path / "home", tiny_lm_dir))
    run_script.ensure_sample_catalog(services, examples)
    count = services.catalog.count()
    assert count >= 5 and "pebble" in [b.lower() for b in services.catalog.brands()]
    (examples / "catalog" / "icecat-sample.jsonl").unlink()  # a second start does not read the files again
    run_script.ensure_sample_catalog(services, examples)
    assert services.catalog.count() == count


def test_without_a_slack_token_it_starts_the_terminal_chat(run_script, make_services, capsys):
    services = make_services()
    lines = iter(["help", "quit"])
    assert run_script.start(services.settings, services, read=lambda prompt: next(lines)) == 0
    out = capsys.readouterr().out
    assert "SLACK_BOT_TOKEN is not set" in out and "What copydesk can do" in out


def test_a_bot_token_without_an_app_token_says_what_is_missing(run_script, make_services, capsys):
    services = make_services(slack_bot_token="xoxb-secret-value")
    assert run_script.start(services.settings, services) == 2
    err = capsys.readouterr().err
    assert "SLACK_APP_TOKEN" in err and "serve --http" in err and "xoxb-secret-value" not in err
