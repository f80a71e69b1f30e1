"""Extension singletons, initialised by ``create_app``."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api as _Api
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from app.core import inputs
from app.core.db import Database
from app.core.errors import error_response_for
from app.openapi import Conventions, field_example


class ErrorSchema(ma.Schema):
    """The one error body every endpoint returns. ``message`` and ``errors`` are in the caller's language
    (``Accept-Language``: ``id``, the default, or ``en``); ``error`` and ``error_codes`` are machine codes."""

    code = ma.fields.Integer(required=True, metadata={"example": 422})
    status = ma.fields.String(required=True, metadata={"example": "Unprocessable Content"})
    message = ma.fields.String(required=True, metadata={"example": "The request contains invalid fields."})
    errors = ma.fields.Dict(
        required=True,
        metadata={
            "description": "Messages per field, in the language of the answer (`Content-Language`).",
            "example": {"phone": ["Nomor harus diawali 0, 62, atau +62."]},
        },
    )
    error = ma.fields.String(
        required=True,
        metadata={
            "description": "Stable machine code of the error for apps to switch on (snake_case; never changes once "
            "published): e.g. `complaint_not_found`, `token_expired`, `session_ended`, `role_forbidden`, "
            "`validation_failed`, `rate_limited`, or the status in snake case (`not_found`, `conflict`).",
            "example": "validation_failed",
        },
    )
    error_codes = ma.fields.Dict(
        required=True,
        metadata={
            "description": "The same keys as `errors`, one machine code per message in the same order: "
            "`required`, `unknown_field`, `too_long`, `too_short`, `length`, `pattern`, `one_of`, `range`, "
            "`invalid_integer`, … for validation; otherwise the error's own code.",
            "example": {"phone": ["invalid_phone"]},
        },
    )


class Parser(FlaskParser):
    """Applies the one input policy (``app.core.inputs``: no NUL, no lone surrogate, bounded JSON nesting) to
    every location a schema reads, whatever the field: a schema that forgot to check would turn such text into a
    500 at the database instead of a 422 here. JSON is read through ``request.get_json()``, which parses under the
    policy (headers and path parameters are checked before the view)."""

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            return core.missing
        if req.get_data(cache=True) == b"":
            return core.missing  # as webargs: an empty JSON body is a body without fields
        return req.get_json()

    def _load_location_data(self, *, schema: Any, req: Any, location: str) -> Any:
        data = super()._load_location_data(schema=schema, req=req, location=location)
        raw: Any = None
        if location in ("query", "querystring"):
            raw = {key: values for key, values in req.args.lists()}
        elif location == "form":
            raw = {key: values for key, values in req.form.lists()}
        if raw:
            try:
                inputs.check_value(raw)
            except inputs.InputRejected as exc:
                raise ma.ValidationError({exc.field.split(".")[0] or location: [exc.message]}) from None
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
