"""Extension singletons, initialised by ``create_app``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api as _Api
from webargs.flaskparser import FlaskParser

from app.core.db import Database
from app.core.errors import error_response_for
from app.openapi import Conventions, field_example


class ErrorSchema(ma.Schema):
    """The one error body every endpoint returns."""

    code = ma.fields.Integer(required=True, metadata={"example": 422})
    status = ma.fields.String(required=True, metadata={"example": "Unprocessable Content"})
    message = ma.fields.String(required=True, metadata={"example": "The request contains invalid fields."})
    errors = ma.fields.Dict(required=True, metadata={"example": {"phone": ["Nomor harus diawali 0, 62, atau +62."]}})


def _nul_field(value: Any, path: str = "") -> str | None:
    """The dotted path of the first text holding a NUL character (``""`` for the whole value), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    pairs: Any = ()
    if isinstance(value, Mapping):
        pairs = value.items()
    elif isinstance(value, list | tuple):
        pairs = enumerate(value)
    for key, item in pairs:
        name = f"{path}.{key}" if path else str(key)
        if "\x00" in str(key):
            return name
        found = _nul_field(item, name)
        if found is not None:
            return found
    return None


class Parser(FlaskParser):
    """Refuses a NUL character anywhere in a JSON body, a query string or a form, whatever the field: no text a
    person types contains one, PostgreSQL cannot store one, and a schema that forgot to check would turn it into a
    500 at the database instead of a 422 here."""

    def _load_location_data(self, *, schema: Any, req: Any, location: str) -> Any:
        data = super()._load_location_data(schema=schema, req=req, location=location)
        raw: Any = data
        if location in ("query", "querystring"):
            raw = {key: values for key, values in req.args.lists()}
        elif location == "form":
            raw = {key: values for key, values in req.form.lists()}
        elif location in ("headers", "files", "cookies"):
            raw = None
        field = _nul_field(raw)
        if field is not None:
            field = field.split(".")[0] if location != "json" else field
            raise ma.ValidationError({field or location: ["Text must not contain NUL (U+0000) characters."]})
        return data


#: The parser of every Balai blueprint (``app.core.blueprint.Blueprint.ARGUMENTS_PARSER``).
ARGUMENTS_PARSER = Parser()
# Unknown JSON fields are a 422 (marshmallow's default); webargs ignores unknown query parameters unless told
# otherwise, so a typo such as ?stauts=open would silently return the unfiltered list. Reject them too.
ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION = {
    **ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION,
    "query": ma.RAISE,
    "querystring": ma.RAISE,
}


class Api(_Api):
    ERROR_SCHEMA = ErrorSchema

    def __init__(self) -> None:
        super().__init__(spec_kwargs={"extra_plugins": [Conventions()]})

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.ma_plugin.converter.add_attribute_function(field_example)

    def handle_http_exception(self, error):
        return error_response_for(error)


db = Database()
api = Api()
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])  # headers: app.core.ratelimit
