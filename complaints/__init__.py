"""Complaints (*aduan*): categories, intake, moderation, routing to offices, handling under working-day SLAs.

Sub-packages each own one part; ``complaints.models`` imports every model so the metadata is complete.
"""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    import complaints.demo  # noqa: F401  (registers the demo offices and routing rules with ``flask seed-demo``)
    from complaints.categories.routes import blp as categories_blp
    from complaints.offices.routes import blp as offices_blp
    from complaints.routing.routes import blp as routing_blp
    from complaints.sla.routes import blp as sla_blp

    api.register_blueprint(categories_blp)
    api.register_blueprint(offices_blp)
    api.register_blueprint(routing_blp)
    api.register_blueprint(sla_blp)
