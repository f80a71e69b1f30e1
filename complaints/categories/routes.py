from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_optional, auth_required, optional_user, permission_required
from app.core.blueprint import Blueprint
from app.core.errors import Forbidden, NotFound
from app.core.http import shared_cache
from app.core.pagination import page_of
from app.core.responses import json_response
from complaints.categories import presenters, service
from complaints.categories.permissions import can_manage_categories
from complaints.categories.schemas import (
    CategoryCreateSchema,
    CategoryQuerySchema,
    CategorySchema,
    CategoryUpdateSchema,
)

blp = Blueprint(
    "categories", __name__, url_prefix="/api/v1/categories", description="Complaint categories (admin-managed)."
)


manager_only = permission_required(can_manage_categories, "Only a province admin manages categories.")


@blp.route("")
class Categories(MethodView):
    @auth_optional
    @blp.arguments(CategoryQuerySchema, location="query")
    @blp.response(200, page_of(CategorySchema))
    @shared_cache(max_age=60)
    def get(self, args):
        """List complaint categories

        Active categories in display order. Province admins may add `include_inactive=true`.
        """
        include_inactive = args.pop("include_inactive")
        if include_inactive:
            user = optional_user()
            if user is None or not can_manage_categories(user):
                raise Forbidden("Only a province admin sees inactive categories.")
        return json_response(service.list_categories(include_inactive=include_inactive, **args))

    @auth_required(Role.ADMIN.value)
    @manager_only
    @blp.arguments(
        CategoryCreateSchema,
        example={
            "slug": "pohon-tumbang",
            "name": "Pohon tumbang",
            "icon_key": "tree",
            "sla_response_days": 1,
            "sla_resolution_days": 5,
        },
    )
    @blp.response(201, CategorySchema)
    def post(self, data):
        """Create a category

        `sla_response_days` and `sla_resolution_days` are working days (default 3 and 14).
        """
        return json_response(presenters.category(service.create(data=data)), 201)


@blp.route("/<id:category_id>")
class CategoryItem(MethodView):
    @blp.response(200, CategorySchema)
    @shared_cache(max_age=60)
    def get(self, category_id):
        """Get one category"""
        category = service.get(category_id=category_id)
        if category is None or not category.is_active:
            raise NotFound("Category not found.")
        return json_response(presenters.category(category))

    @auth_required(Role.ADMIN.value)
    @manager_only
    @blp.arguments(CategoryUpdateSchema, example={"is_active": False})
    @blp.response(200, CategorySchema)
    def patch(self, changes, category_id):
        """Change or deactivate a category

        Deactivated categories can no longer be chosen for new complaints; existing complaints keep them.
        """
        category = service.update(category=service.get_or_404(category_id), changes=changes)
        return json_response(presenters.category(category))
