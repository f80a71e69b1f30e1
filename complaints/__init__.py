"""Complaints (*aduan*): categories, intake, moderation, routing to offices, handling under working-day SLAs.

Sub-packages each own one part; ``complaints.models`` imports every model so the metadata is complete.
``complaints.states`` is the one state machine, ``complaints.permissions`` the pure access predicates and
``complaints.events`` the documented events other features listen to.
"""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    import complaints.demo.handling  # (registers its ``flask seed-demo`` data after intake and offices)
    import complaints.demo.intake
    import complaints.demo.offices
    import complaints.handling.tasks  # the periodic escalation job registers on import
    import complaints.reporter_updates  # noqa: F401  (the demo seeders, the job and the listeners register on import)
    from app.core import links
    from app.core.db import SQLITE_CONNECT_HOOKS
    from complaints import privacy
    from complaints.categories.routes import blp as categories_blp
    from complaints.conversation.routes import blp as conversation_blp
    from complaints.feedback.routes import blp as feedback_blp
    from complaints.geo import register_sqlite_math
    from complaints.handling.cli import complaints_cli
    from complaints.handling.routes import blp as handling_blp
    from complaints.moderation.routes import blp as moderation_blp
    from complaints.moderation.routes import queue_blp as moderation_queue_blp
    from complaints.offices.routes import blp as offices_blp
    from complaints.photos.routes import blp as photos_blp
    from complaints.routing.routes import blp as routing_blp
    from complaints.sla.routes import blp as sla_blp
    from complaints.stats.routes import blp as stats_blp
    from complaints.supports.routes import blp as supports_blp
    from complaints.views.routes import blp as views_blp
    from complaints.views.routes import me_blp

    privacy.register()  # export, erasure and retention of complaints' personal data (app.accounts.privacy)
    links.register("complaint", links.row_exists("complaints", flag="is_listed"))  # public ones may be linked to
    if register_sqlite_math not in SQLITE_CONNECT_HOOKS:
        SQLITE_CONNECT_HOOKS.append(register_sqlite_math)
    api.register_blueprint(categories_blp)
    api.register_blueprint(offices_blp)
    api.register_blueprint(routing_blp)
    api.register_blueprint(sla_blp)
    api.register_blueprint(views_blp)
    api.register_blueprint(photos_blp)
    api.register_blueprint(supports_blp)
    api.register_blueprint(conversation_blp)
    api.register_blueprint(feedback_blp)
    api.register_blueprint(me_blp)
    api.register_blueprint(handling_blp)
    app.cli.add_command(complaints_cli)
    api.register_blueprint(moderation_queue_blp)
    api.register_blueprint(moderation_blp)
    api.register_blueprint(stats_blp)
