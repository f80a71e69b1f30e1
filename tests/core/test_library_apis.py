"""Balai uses libraries through their public APIs; the few private attributes it needs live in one adapter module
per library, and the tests here fail loudly when an upgrade moves them."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import flask_smorest

from app.core import limiter_adapter
from app.core.blueprint import Blueprint
from app.extensions import ARGUMENTS_PARSER, Parser, limiter

ROOT = Path(__file__).resolve().parents[2]


def test_every_api_blueprint_is_balais_subclass_and_flask_smorest_is_not_patched(app):
    blueprints = [bp for bp in app.blueprints.values() if isinstance(bp, flask_smorest.Blueprint)]
    assert len(blueprints) > 10
    assert all(isinstance(bp, Blueprint) for bp in blueprints), [bp.name for bp in blueprints]
    assert Blueprint.ARGUMENTS_PARSER is ARGUMENTS_PARSER and isinstance(ARGUMENTS_PARSER, Parser)
    assert not isinstance(flask_smorest.Blueprint.ARGUMENTS_PARSER, Parser)  # no global monkeypatch


def test_the_limiter_adapter_is_checked_against_the_installed_and_pinned_flask_limiter():
    pinned = re.search(r"^flask-limiter\[redis\]==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert version("flask-limiter") == limiter_adapter.FLASK_LIMITER_VERSION, "re-check app/core/limiter_adapter.py"
    assert pinned and pinned.group(1) == limiter_adapter.FLASK_LIMITER_VERSION


def test_flask_limiters_global_check_is_the_hook_it_registers_and_is_dropped(app):
    from flask import Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    fresh, own = Flask("limiter-check"), Limiter(key_func=get_remote_address, storage_uri="memory://")
    own.init_app(fresh)
    hook = limiter_adapter.global_check(own)
    assert hook in fresh.before_request_funcs[None]  # the private name is still what init_app registers
    limiter_adapter.drop_global_check(fresh, own)
    assert hook not in fresh.before_request_funcs[None]
    assert limiter_adapter.global_check(limiter) not in app.before_request_funcs.get(None, [])  # Balai's app
