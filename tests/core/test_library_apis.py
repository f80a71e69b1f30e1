"""Balai uses libraries through their public APIs; the few private attributes it needs live in one adapter module
per library, and the tests here fail loudly when an upgrade moves them."""

from __future__ import annotations

import flask_smorest

from app.core.blueprint import Blueprint
from app.extensions import ARGUMENTS_PARSER, Parser


def test_every_api_blueprint_is_balais_subclass_and_flask_smorest_is_not_patched(app):
    blueprints = [bp for bp in app.blueprints.values() if isinstance(bp, flask_smorest.Blueprint)]
    assert len(blueprints) > 10
    assert all(isinstance(bp, Blueprint) for bp in blueprints), [bp.name for bp in blueprints]
    assert Blueprint.ARGUMENTS_PARSER is ARGUMENTS_PARSER and isinstance(ARGUMENTS_PARSER, Parser)
    assert not isinstance(flask_smorest.Blueprint.ARGUMENTS_PARSER, Parser)  # no global monkeypatch
