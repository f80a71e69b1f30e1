from __future__ import annotations

from flask.views import MethodView

from app.areas import presenters, service
from app.areas.schemas import AreaDetailSchema, AreaSchema, AreaSearchArgs
from app.core.blueprint import Blueprint
from app.core.errors import NotFound
from app.core.http import shared_cache
from app.core.pagination import PageArgs, page_of
from app.core.responses import json_response

blp = Blueprint("areas", __name__, url_prefix="/api/v1/areas", description="Kemendagri administrative areas.")


@blp.route("")
class Provinces(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(AreaSchema))
    @shared_cache(max_age=3600)
    def get(self, args):
        """List the provinces"""
        return json_response(presenters.area_page(service.list_children(parent_code=None, **args)))


@blp.route("/search")
class AreaSearch(MethodView):
    @blp.arguments(AreaSearchArgs, location="query")
    @blp.response(200, page_of(AreaSchema))
    @shared_cache(max_age=3600)
    def get(self, args):
        """Search areas by name

        Case-insensitive; exact names first, then names starting with the text, larger areas first.
        """
        return json_response(presenters.area_page(service.search(**args)))


@blp.route("/<area_code:code>")
class AreaItem(MethodView):
    @blp.response(200, AreaDetailSchema)
    @shared_cache(max_age=3600)
    def get(self, code):
        """Get one area with its ancestors"""
        detail = service.get_detail(code=code)
        if detail is None:
            raise NotFound("Area not found.")
        return json_response(presenters.area_detail(detail))


@blp.route("/<area_code:code>/children")
class AreaChildren(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(AreaSchema))
    @shared_cache(max_age=3600)
    def get(self, args, code):
        """List the direct children of an area"""
        return json_response(presenters.area_page(service.list_children(parent_code=code, **args)))
