"""Likes and bookmarks of articles, and ``GET /me/bookmarks``."""

from __future__ import annotations

from flask.views import MethodView

from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.responses import json_response
from app.core.sync import sync_page_of
from news.articles import reactions
from news.articles.models import ArticleBookmark, ArticleLike
from news.articles.read_schemas import BookmarkedArticleSchema, NewsReactionSchema
from news.articles.schemas import BookmarkArgs

blp = Blueprint("news_reactions", __name__, url_prefix="/api/v1/news", description="Likes and bookmarks.")
me_blp = Blueprint("my_bookmarks", __name__, url_prefix="/api/v1/me", description="My bookmarked articles.")


def _react(model, article_id: int, on: bool):
    return json_response(reactions.react(model=model, user=get_current_user(), article_id=article_id, on=on))


@blp.route("/<id:article_id>/like")
class Like(MethodView):
    @auth_required()
    @blp.response(200, NewsReactionSchema)
    def put(self, article_id):
        """Like an article

        One like per person; sending it again changes nothing.
        """
        return _react(ArticleLike, article_id, True)

    @auth_required()
    @blp.response(200, NewsReactionSchema)
    def delete(self, article_id):
        """Take my like back"""
        return _react(ArticleLike, article_id, False)


@blp.route("/<id:article_id>/bookmark")
class Bookmark(MethodView):
    @auth_required()
    @blp.response(200, NewsReactionSchema)
    def put(self, article_id):
        """Bookmark an article"""
        return _react(ArticleBookmark, article_id, True)

    @auth_required()
    @blp.response(200, NewsReactionSchema)
    def delete(self, article_id):
        """Remove my bookmark"""
        return _react(ArticleBookmark, article_id, False)


@me_blp.route("/bookmarks")
class MyBookmarks(MethodView):
    @auth_required()
    @me_blp.arguments(BookmarkArgs(), location="query")
    @me_blp.response(200, sync_page_of(BookmarkedArticleSchema))
    def get(self, args):
        """List my bookmarked articles

        Newest bookmark first. With `updated_since`: bookmarks made since, oldest first; `deleted` lists articles
        unbookmarked or deleted since.
        """
        return json_response(reactions.my_bookmarks(user=get_current_user(), **args))
