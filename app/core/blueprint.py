"""The flask-smorest ``Blueprint`` every Balai feature uses.

flask-smorest documents ``ARGUMENTS_PARSER`` as a class attribute to override in a subclass: this subclass gives
Balai's parser (NUL characters refused, unknown query parameters a 422; ``app.extensions.Parser``) to Balai's
blueprints only, instead of patching flask-smorest's class for every blueprint in the process.
"""

from __future__ import annotations

from flask_smorest import Blueprint as _SmorestBlueprint

from app.extensions import ARGUMENTS_PARSER


class Blueprint(_SmorestBlueprint):
    ARGUMENTS_PARSER = ARGUMENTS_PARSER
