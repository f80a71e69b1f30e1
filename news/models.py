"""Every model of the news feature, for Alembic and the tests (``app.load_models``)."""

from news.announcements.models import *  # noqa: F403
from news.articles.models import *  # noqa: F403
