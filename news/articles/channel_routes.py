"""``/news/channels`` and ``/news/tags``: public lists; admins manage channels, editors and admins add tags."""

from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_optional, auth_required, optional_user, permission_required
from app.core.blueprint import Blueprint
from app.core.errors import Forbidden, accepts
from app.core.http import shared_cache
from app.core.images import MAX_BYTES
from app.core.pagination import PageArgs, page_of
from app.core.responses import json_response
from news.articles import channels as service
from news.articles import images
from news.articles.permissions import can_manage_channels, can_write_articles
from news.articles.presenters import channel_view, tag_view
from news.articles.read_schemas import NewsChannelSchema, NewsTagSchema
from news.articles.schemas import (
    ChannelCreateSchema,
    ChannelQuerySchema,
    ChannelUpdateSchema,
    NewsImageUploadSchema,
    TagCreateSchema,
    TagUpdateSchema,
)

blp = Blueprint("news_channels", __name__, url_prefix="/api/v1/news", description="News channels and tags.")

admins_only = permission_required(can_manage_channels, "Only an admin manages news channels.")
_IMAGE = {
    "description": "The JPEG (re-encoded, no metadata).",
    "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
}


@blp.route("/channels")
class Channels(MethodView):
    @auth_optional
    @blp.arguments(ChannelQuerySchema, location="query")
    @blp.response(200, page_of(NewsChannelSchema))
    @shared_cache(max_age=60)
    def get(self, args):
        """List news channels

        Active channels; admins may add `include_inactive=true`.
        """
        if args["include_inactive"] and not can_manage_channels(optional_user()):
            raise Forbidden("Only an admin sees inactive channels.")
        return json_response(service.list_channels(**args))

    @auth_required(Role.ADMIN.value)
    @admins_only
    @blp.arguments(ChannelCreateSchema, example={"name": "Diskominfo Kota Bandung", "website": "https://bandung.go.id"})
    @blp.response(201, NewsChannelSchema)
    def post(self, data):
        """Create a news channel"""
        return json_response(channel_view(service.create_channel(data=data)), 201)


@blp.route("/channels/<id:channel_id>")
class ChannelItem(MethodView):
    @blp.response(200, NewsChannelSchema)
    @shared_cache(max_age=60)
    def get(self, channel_id):
        """Get one news channel"""
        return json_response(channel_view(service.get_channel(channel_id)))

    @auth_required(Role.ADMIN.value)
    @admins_only
    @blp.arguments(ChannelUpdateSchema, example={"is_active": False})
    @blp.response(200, NewsChannelSchema)
    def patch(self, changes, channel_id):
        """Change or deactivate a news channel

        A deactivated channel can no longer be chosen for new articles; its articles stay.
        """
        channel = service.update_channel(channel=service.get_channel(channel_id), changes=changes)
        return json_response(channel_view(channel))


@blp.route("/channels/<id:channel_id>/logo")
class ChannelLogo(MethodView):
    @blp.doc(responses={"200": _IMAGE})
    @blp.alt_response(304, description="Not modified (`If-None-Match`).")
    def get(self, channel_id):
        """Get a channel's logo"""
        return images.send_image(service.get_channel(channel_id).logo_key, name=f"channel-{channel_id}.jpg")

    @accepts("multipart/form-data")
    @auth_required(Role.ADMIN.value)
    @admins_only
    @blp.arguments(NewsImageUploadSchema, location="files")
    @blp.response(200, NewsChannelSchema)
    def put(self, files, channel_id):
        """Set a channel's logo

        Multipart form with one part named `file` (JPEG, PNG, WebP or HEIC, at most 10 MB); re-encoded, with a
        400 px thumbnail.
        """
        data = files["file"].stream.read(MAX_BYTES + 1)
        return json_response(channel_view(service.set_logo(channel=service.get_channel(channel_id), data=data)))


@blp.route("/channels/<id:channel_id>/logo/thumbnail")
class ChannelLogoThumbnail(MethodView):
    @blp.doc(responses={"200": _IMAGE})
    @blp.alt_response(304, description="Not modified (`If-None-Match`).")
    def get(self, channel_id):
        """Get a channel logo's thumbnail (400 px)"""
        channel = service.get_channel(channel_id)
        return images.send_image(channel.logo_thumbnail_key, name=f"channel-{channel_id}-thumbnail.jpg")


@blp.route("/tags")
class Tags(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(NewsTagSchema))
    @shared_cache(max_age=60)
    def get(self, args):
        """List news tags

        In slug order.
        """
        return json_response(service.list_tags(**args))

    @auth_required(Role.EDITOR.value, Role.ADMIN.value)
    @permission_required(can_write_articles, "Only editors and admins add tags.")
    @blp.arguments(TagCreateSchema, example={"slug": "kesehatan", "name": "Kesehatan"})
    @blp.response(201, NewsTagSchema)
    def post(self, data):
        """Create a news tag"""
        return json_response(tag_view(service.create_tag(data=data)), 201)


@blp.route("/tags/<id:tag_id>")
class TagItem(MethodView):
    @auth_required(Role.ADMIN.value)
    @admins_only
    @blp.arguments(TagUpdateSchema, example={"name": "Kesehatan"})
    @blp.response(200, NewsTagSchema)
    def patch(self, data, tag_id):
        """Rename a news tag"""
        return json_response(tag_view(service.update_tag(tag_id=tag_id, name=data["name"])))
