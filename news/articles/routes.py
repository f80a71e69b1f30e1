"""``/news``: the readers' feed and articles, the editors' writes, reactions and ``/me/bookmarks``."""

from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_optional, auth_required, get_current_user, optional_user, permission_required
from app.core.blueprint import Blueprint
from app.core.errors import NotFound, accepts
from app.core.http import shared_cache
from app.core.images import MAX_BYTES
from app.core.pagination import page_of
from app.core.responses import json_response
from app.core.sync import sync_page_of
from news.articles import desk, feed, images, presenters, service, stats
from news.articles import permissions as perm
from news.articles.read_schemas import (
    ArticleItemSchema,
    ArticleSchema,
    NewsChangeSchema,
    NewsStatsSchema,
)
from news.articles.schemas import (
    ArticleCreateSchema,
    ArticleUpdateSchema,
    FeedArgs,
    ManageArgs,
    NewsImageUploadSchema,
    PublishSchema,
    StatsArgs,
)

blp = Blueprint("news", __name__, url_prefix="/api/v1/news", description="News articles.")

EDITORS = (Role.EDITOR.value, Role.ADMIN.value)
writers_only = permission_required(perm.can_write_articles, "Only editors and admins with a scope write news.")
_IMAGE = {
    "description": "The JPEG (re-encoded, no metadata).",
    "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
}
CREATE_EXAMPLE = {
    "title": "Posyandu keliling hadir di Sukasari",
    "summary": "Jadwal posyandu keliling bulan Desember.",
    "body": "Mulai **5 Desember**, posyandu keliling hadir di setiap RW.\n\n- Timbang balita\n- Imunisasi",
    "channel_id": 1,
    "tag_ids": [1],
    "area_code": "32.73.01",
    "notify": True,
}


def _staff_view(article_id: int):
    return json_response(feed.detail(article_id=article_id, viewer=get_current_user(), count_view=False))


@blp.route("")
class News(MethodView):
    @auth_optional
    @blp.arguments(FeedArgs(), location="query")
    @blp.response(200, sync_page_of(ArticleItemSchema))
    @shared_cache(max_age=5)
    def get(self, args):
        """News feed

        Published articles whose target area contains the reader's home (or `area`; anonymous callers without it
        get province-wide articles), newest first, or featured ones first with `featured=true`. Filters: `channel`,
        `tag` (slug), `q` (every word must occur, whole words, any case). With `updated_since`: the articles changed
        since, oldest change first; `deleted` lists the ones that left the feed (deleted, archived).
        """
        return json_response(feed.feed(viewer=optional_user(), **args))

    @auth_required(*EDITORS)
    @writers_only
    @blp.arguments(ArticleCreateSchema, example=CREATE_EXAMPLE)
    @blp.response(201, ArticleSchema)
    def post(self, data):
        """Write an article (draft)

        Editors and admins, for a target area inside their scope (a province editor: the province or any area in
        it; a kab/kota editor: inside their kab/kota). The Markdown body is stored rendered to sanitised HTML.
        """
        article = service.create(user=get_current_user(), data=data)
        return json_response(feed.detail(article_id=article.id, viewer=get_current_user(), count_view=False), 201)


@blp.route("/manage")
class Desk(MethodView):
    @auth_required(*EDITORS)
    @writers_only
    @blp.arguments(ManageArgs(), location="query")
    @blp.response(200, page_of(ArticleItemSchema))
    def get(self, args):
        """List the articles I manage

        Every article in my scope (or in `area` inside it), any state but deleted, most recently changed first.
        """
        return json_response(desk.desk(user=get_current_user(), **args))


@blp.route("/stats")
class Statistics(MethodView):
    @auth_required(*EDITORS)
    @writers_only
    @blp.arguments(StatsArgs(), location="query")
    @blp.response(200, NewsStatsSchema)
    def get(self, args):
        """News statistics

        Views, likes and bookmarks of the articles in my scope over a period (`from`, `to`: days, UTC; default the
        last 30 days): totals, per channel and the top articles by views. Views are counted with up to a minute's
        delay.
        """
        return json_response(stats.statistics(user=get_current_user(), **args))


@blp.route("/<id:article_id>")
class ArticleItem(MethodView):
    @auth_optional
    @blp.response(200, ArticleSchema)
    @shared_cache(max_age=5)
    def get(self, article_id):
        """Get one article

        Published (and archived) articles for everyone, with up to 5 related ones (same channel or a shared tag);
        drafts and scheduled ones for editors in scope. `me` holds the caller's like, bookmark and read state.
        """
        return json_response(feed.detail(article_id=article_id, viewer=optional_user()))

    @auth_required(*EDITORS)
    @writers_only
    @blp.arguments(ArticleUpdateSchema, example={"title": "Posyandu keliling hadir di Sukasari (diperbarui)"})
    @blp.response(200, ArticleSchema)
    def patch(self, changes, article_id):
        """Edit an article

        Any field; a new `area_code` must be inside my scope too. After publication the edit keeps `edited_at` and
        a history entry of who changed which fields.
        """
        service.update(user=get_current_user(), article_id=article_id, changes=changes)
        return _staff_view(article_id)

    @auth_required(*EDITORS)
    @writers_only
    @blp.response(204)
    def delete(self, article_id):
        """Delete an article

        Soft delete: it leaves every list (delta sync lists it in `deleted`).
        """
        service.remove(user=get_current_user(), article_id=article_id)


@blp.route("/<id:article_id>/publish")
class Publish(MethodView):
    @auth_required(*EDITORS)
    @writers_only
    @blp.arguments(PublishSchema, example={"publish_at": "2026-12-05T01:00:00+00:00"})
    @blp.response(200, ArticleSchema)
    def post(self, data, article_id):
        """Publish or schedule an article

        Without `publish_at`: published now (a draft, scheduled or archived article). With it: scheduled, published
        by the scheduler at that time. With `notify` set, the target area gets one push, ever.
        """
        service.publish(user=get_current_user(), article_id=article_id, publish_at=data["publish_at"])
        return _staff_view(article_id)


@blp.route("/<id:article_id>/unschedule")
class Unschedule(MethodView):
    @auth_required(*EDITORS)
    @writers_only
    @blp.response(200, ArticleSchema)
    def post(self, article_id):
        """Take a scheduled article back to draft"""
        service.unschedule(user=get_current_user(), article_id=article_id)
        return _staff_view(article_id)


@blp.route("/<id:article_id>/archive")
class Archive(MethodView):
    @auth_required(*EDITORS)
    @writers_only
    @blp.response(200, ArticleSchema)
    def post(self, article_id):
        """Archive a published article

        It leaves the feed and stays readable by link; publishing it again does not push again.
        """
        service.archive(user=get_current_user(), article_id=article_id)
        return _staff_view(article_id)


@blp.route("/<id:article_id>/history")
class History(MethodView):
    @auth_required(*EDITORS)
    @writers_only
    @blp.response(200, NewsChangeSchema(many=True))
    def get(self, article_id):
        """An article's history

        Creation, state changes and edits after publication: who, when, which fields.
        """
        changes = service.history(user=get_current_user(), article_id=article_id)
        return json_response([presenters.change_view(c) for c in changes])


def _cover(article_id: int, *, thumbnail: bool):
    article = service.load(article_id)
    if not perm.can_read(optional_user(), article):
        raise NotFound("Image not found.")
    key = article.cover_thumbnail_key if thumbnail else article.cover_key
    return images.send_image(key, name=f"news-{article_id}{'-thumbnail' if thumbnail else ''}.jpg")


@blp.route("/<id:article_id>/cover")
class Cover(MethodView):
    @auth_optional
    @blp.doc(responses={"200": _IMAGE})
    @blp.alt_response(304, description="Not modified (`If-None-Match`).")
    def get(self, article_id):
        """Get an article's cover image"""
        return _cover(article_id, thumbnail=False)

    @accepts("multipart/form-data")
    @auth_required(*EDITORS)
    @writers_only
    @blp.arguments(NewsImageUploadSchema, location="files")
    @blp.response(200, ArticleSchema)
    def put(self, files, article_id):
        """Set an article's cover image

        Multipart form with one part named `file` (JPEG, PNG, WebP or HEIC, at most 10 MB); re-encoded without
        metadata, at most 1920 px, with a 400 px thumbnail.
        """
        data = files["file"].stream.read(MAX_BYTES + 1)
        service.set_cover(user=get_current_user(), article_id=article_id, data=data)
        return _staff_view(article_id)

    @auth_required(*EDITORS)
    @writers_only
    @blp.response(200, ArticleSchema)
    def delete(self, article_id):
        """Remove an article's cover image"""
        service.remove_cover(user=get_current_user(), article_id=article_id)
        return _staff_view(article_id)


@blp.route("/<id:article_id>/cover/thumbnail")
class CoverThumbnail(MethodView):
    @auth_optional
    @blp.doc(responses={"200": _IMAGE})
    @blp.alt_response(304, description="Not modified (`If-None-Match`).")
    def get(self, article_id):
        """Get an article cover's thumbnail (400 px)"""
        return _cover(article_id, thumbnail=True)
