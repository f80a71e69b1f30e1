"""Notifications: in-app inbox, FCM push through an outbox and the job queue, devices, area topics, preferences.

Other features call ``notifications.api`` (``notify_users``, ``broadcast_to_area``) and nothing else.
"""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    from notifications import listeners, privacy, tasks  # noqa: F401  (event listeners and jobs register on import)
    from notifications.cli import notifications_cli
    from notifications.routes import admin_blp, devices_blp, inbox_blp, preferences_blp

    for blp in (inbox_blp, preferences_blp, devices_blp, admin_blp):
        api.register_blueprint(blp)
    app.cli.add_command(notifications_cli)
    privacy.register()  # export, erasure and retention of notifications (app.accounts.privacy)
