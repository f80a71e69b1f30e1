from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.areas import service as areas
from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.errors import Forbidden, ValidationFailed
from app.core.pagination import page_of
from app.core.responses import json_response
from complaints.categories import service as categories
from complaints.routing import presenters, rules, service
from complaints.routing.permissions import can_explain_routing
from complaints.routing.schemas import (
    ExplanationSchema,
    ResolveQuerySchema,
    RuleCreateSchema,
    RuleQuerySchema,
    RuleSchema,
    RuleUpdateSchema,
)

blp = Blueprint(
    "routing",
    __name__,
    url_prefix="/api/v1/routing",
    description="Routing rules: which office handles complaints of a category in an area.",
)

ADMIN = Role.ADMIN.value


@blp.route("/rules")
class Rules(MethodView):
    @auth_required(ADMIN)
    @blp.arguments(RuleQuerySchema, location="query")
    @blp.response(200, page_of(RuleSchema))
    def get(self, args):
        """List routing rules in my area"""
        return json_response(rules.list_rules(actor=get_current_user(), **args))

    @auth_required(ADMIN)
    @blp.arguments(RuleCreateSchema, example={"category_id": 2, "area_code": "32.73", "office_id": 3})
    @blp.response(201, RuleSchema)
    def post(self, data):
        """Create a routing rule

        Complaints of `category_id` inside `area_code` go to `office_id`; `category_id: null` makes the office the
        area's default. The area must lie inside your area and inside the office's; the office must be one you
        manage. One rule per category and area.
        """
        return json_response(presenters.rule(rules.create_rule(actor=get_current_user(), data=data)), 201)


@blp.route("/rules/<id:rule_id>")
class RuleItem(MethodView):
    @auth_required(ADMIN)
    @blp.response(200, RuleSchema)
    def get(self, rule_id):
        """Get a routing rule"""
        return json_response(presenters.rule(rules.get_visible(actor=get_current_user(), rule_id=rule_id)))

    @auth_required(ADMIN)
    @blp.arguments(RuleUpdateSchema, example={"office_id": 4})
    @blp.response(200, RuleSchema)
    def patch(self, data, rule_id):
        """Point a routing rule at another office"""
        actor = get_current_user()
        rule = rules.update_rule(actor=actor, rule=rules.get_visible(actor=actor, rule_id=rule_id), **data)
        return json_response(presenters.rule(rule))

    @auth_required(ADMIN)
    @blp.response(204)
    def delete(self, rule_id):
        """Delete a routing rule"""
        actor = get_current_user()
        rules.delete_rule(actor=actor, rule=rules.get_visible(actor=actor, rule_id=rule_id))


@blp.route("/resolve")
class Resolve(MethodView):
    @auth_required(ADMIN, Role.MODERATOR.value)
    @blp.arguments(ResolveQuerySchema, location="query")
    @blp.response(200, ExplanationSchema)
    def get(self, args):
        """Explain where a complaint would be routed

        Lists every matching rule in precedence order (the category's own rules, most specific area first; then
        the parent categories'; then the default offices) and which one applies. Rules pointing at inactive offices
        are skipped. `resolution: null` means no rule applies and the complaint waits in moderation.
        """
        category_id, area_code = args["category"], args["area"]
        if categories.get(category_id=category_id) is None:
            raise ValidationFailed("Unknown category.", errors={"category": ["No category with this id."]})
        areas.require_area(code=area_code, field="area")
        if not can_explain_routing(get_current_user(), area_code):
            raise Forbidden("You can only look at routing inside your own area.")
        return json_response(presenters.explanation(service.explain(category_id=category_id, area_code=area_code)))
