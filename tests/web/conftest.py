"""Fixtures for the web app: an ASGI test client over a real `procal run` output folder."""

from __future__ import annotations

import shutil
import warnings
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="session")
def run_out(tmp_path_factory) -> Path:
    """The out folder of `procal run` on the shipped example (ICS feeds, reports, summary.json,
    the state database and the workbook copy — the last two must never be served)."""
    from procal.cmd_run import run_job
    from procal.settings import with_overrides

    out = tmp_path_factory.mktemp("web") / "out"
    settings = with_overrides(_defaults(), out_dir=out)
    run_job(settings, today=TODAY, progress=False)
    assert (out / "reports" / "summary.json").is_file()
    return out


def _defaults():
    from procal.settings import from_mapping

    return from_mapping({}, None)


@pytest.fixture
def out_copy(run_out, tmp_path) -> Path:
    """A private copy of the run's out folder a test may change."""
    dst = tmp_path / "out"
    shutil.copytree(run_out, dst)
    return dst


def _client(app):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    return TestClient(app, base_url="http://testserver")


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    """The app over an empty out folder: the calculator and the API need no run."""
    from web import create_app

    return _client(create_app(tmp_path_factory.mktemp("empty-out")))


@pytest.fixture(scope="session")
def run_client(run_out):
    from web import create_app

    return _client(create_app(run_out))


@pytest.fixture
def make_client():
    from web import create_app

    def make(out, **kw):
        return _client(create_app(out, **kw))
    return make


@pytest.fixture(autouse=True)
def _keep_language():
    """`procal plan --lang en` run in-process sets the message language for the process:
    restore it after each test so later tests still get Thai."""
    from schedule_engine import i18n

    saved = dict(i18n._state)
    yield
    i18n._state.update(saved)
