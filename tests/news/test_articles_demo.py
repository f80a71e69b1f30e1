"""`flask seed-demo` adds channels and a few articles in Kota Bandung (one scheduled), once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from news.articles.models import Article, Channel
from tests.news.test_articles_helpers import clean_view_buffer  # noqa: F401


def test_seed_demo_adds_news_once(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Channel)) == 2
    states = db.session.scalars(select(Article.status).order_by(Article.id)).all()
    assert sorted(states) == ["published", "published", "published", "scheduled"]
    feed = client.get("/api/v1/news?area=32.73.01.1001&featured=true").get_json()["items"]
    assert len(feed) == 3 and feed[0]["is_featured"] and feed[0]["tags"][0]["slug"] == "kesehatan"
    assert (
        "<table>" in client.get(f"/api/v1/news/{feed[1]['id']}").get_json()["body_html"]
        or "<table>" in (client.get(f"/api/v1/news/{feed[2]['id']}").get_json()["body_html"])
    )
