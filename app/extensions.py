"""Extension singletons, initialised by ``create_app``."""

from __future__ import annotations

import marshmallow as ma
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api as _Api
from flask_smorest import Blueprint

from app.core.db import Database
from app.core.errors import error_response_for


class ErrorSchema(ma.Schema):
    """The one error body every endpoint returns."""

    code = ma.fields.Integer(required=True, metadata={"example": 422})
    status = ma.fields.String(required=True, metadata={"example": "Unprocessable Content"})
    message = ma.fields.String(required=True, metadata={"example": "The request contains invalid fields."})
    errors = ma.fields.Dict(required=True, metadata={"example": {"phone": ["Nomor harus diawali 0, 62, atau +62."]}})


# Unknown JSON fields are a 422 (marshmallow's default); webargs ignores unknown query parameters unless told
# otherwise, so a typo such as ?stauts=open would silently return the unfiltered list. Reject them too.
Blueprint.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION = {
    **Blueprint.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION,
    "query": ma.RAISE,
    "querystring": ma.RAISE,
}


class Api(_Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return error_response_for(error)


db = Database()
api = Api()
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
