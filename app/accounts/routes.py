from __future__ import annotations

from flask import request
from flask.views import MethodView

from app.accounts import presenters, service, sessions
from app.accounts.phones import try_normalise
from app.accounts.principal_cache import load_current_user
from app.accounts.privacy import consent
from app.accounts.roles import STAFF_ROLES, Role
from app.accounts.schemas import (
    LoginSchema,
    MeSchema,
    MeUpdateSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    RefreshSchema,
    RegisterSchema,
    SessionsRevokedSchema,
    StaffCreateSchema,
    StaffQuerySchema,
    StaffSchema,
    StaffUpdateSchema,
    TokenSchema,
)
from app.core.auth import auth_required, get_claims, get_current_user
from app.core.blueprint import Blueprint
from app.core.pagination import page_of
from app.core.ratelimit import client_ip, is_known_client, json_field, per_account, per_ip, remember_client
from app.core.responses import json_response
from app.extensions import db

auth_blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Registration, log-in and sessions.")
me_blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user's own profile.")
users_blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Staff accounts, managed in scope.")


def _login_key() -> str:
    raw = json_field("login")
    return ("email:" + raw) if "@" in raw else ("phone:" + (try_normalise(raw) or raw))


def _conflict(response) -> bool:
    return response.status_code == 409


def _changes_email() -> bool:
    body = request.get_json(silent=True)
    return isinstance(body, dict) and "email" in body


def _user_agent() -> str | None:
    return request.headers.get("User-Agent")


def _tokens(issued: sessions.IssuedTokens, status: int = 200):
    """The token answer: what was issued, with the account's consent to the current privacy notice."""
    return json_response(presenters.tokens(issued, consent=consent.state(issued["user"].id)), status)


@auth_blp.route("/register")
class Register(MethodView):
    @per_ip("RATELIMIT_REGISTER_IP")
    @per_ip("RATELIMIT_REGISTER_CONFLICT_IP", scope="register-conflict", counts=_conflict)
    @per_account("RATELIMIT_REGISTER_ACCOUNT", lambda: "register:" + (try_normalise(json_field("phone")) or ""))
    @auth_blp.arguments(
        RegisterSchema,
        example={
            "name": "Siti Rahmawati",
            "phone": "0812-3456-7890",
            "password": "rahasia-123",
            "home_area_code": "32.73.01.1001",
            "home_rw": 5,
        },
    )
    @auth_blp.response(201, TokenSchema)
    def post(self, data):
        """Register as a resident

        Creates the account and signs it in. The phone number must be an Indonesian mobile number. A phone
        number (or e-mail) that already has an account is a 409 telling the person to log in; such answers are
        limited per client IP (`RATELIMIT_REGISTER_CONFLICT_IP`), so probing which numbers are registered is slow.
        """
        return _tokens(service.register_resident(**data, user_agent=_user_agent()), 201)


@auth_blp.route("/login")
class Login(MethodView):
    @per_ip("RATELIMIT_LOGIN_IP")
    @per_account("RATELIMIT_LOGIN_ACCOUNT", lambda: _login_key() + "@" + client_ip(), failures_only=True)
    @per_account(
        "RATELIMIT_LOGIN_ACCOUNT_TOTAL",
        lambda: "total:" + _login_key(),
        failures_only=True,
        when=lambda: not is_known_client(_login_key()),
    )
    @auth_blp.arguments(LoginSchema, example={"login": "081234567890", "password": "rahasia-123"})
    @auth_blp.response(200, TokenSchema)
    def post(self, data):
        """Log in with phone number or e-mail

        Failed attempts are limited per account and client IP (`RATELIMIT_LOGIN_ACCOUNT`), so someone guessing
        from elsewhere cannot lock the owner out; a looser ceiling per account (`RATELIMIT_LOGIN_ACCOUNT_TOTAL`)
        stops guessing spread over many addresses, and does not apply to an address the account signed in from.
        """
        issued = service.login(identifier=data["login"], password=data["password"], user_agent=_user_agent())
        remember_client(_login_key())
        return _tokens(issued)


@auth_blp.route("/refresh")
class Refresh(MethodView):
    @auth_blp.arguments(RefreshSchema)
    @auth_blp.response(200, TokenSchema)
    def post(self, data):
        """Trade a refresh token for a new token pair

        The refresh token rotates: the one sent stops working. Sending an already-used one closes the session.
        """
        try:
            issued = sessions.rotate(data["refresh_token"])
        except sessions.RefreshReused:
            db.session.commit()  # the revocation must stick even though the answer is an error
            raise
        return _tokens(issued)


@auth_blp.route("/logout")
class Logout(MethodView):
    @auth_required()
    @auth_blp.response(204)
    def post(self):
        """Log out (closes this session)"""
        sessions.revoke_session_id(get_claims()["sid"], reason="logout")


@auth_blp.route("/password")
class PasswordChange(MethodView):
    @auth_required()
    @per_ip("RATELIMIT_PASSWORD_IP")
    @per_account("RATELIMIT_PASSWORD_ACCOUNT", lambda: "password:" + str(get_current_user().id))
    @auth_blp.arguments(PasswordChangeSchema)
    @auth_blp.response(204)
    def post(self, data):
        """Change password

        Every other session of the account is closed; this one stays signed in.
        """
        service.change_password(
            user=load_current_user(),
            session_id=get_claims()["sid"],
            current_password=data["current_password"],
            new_password=data["new_password"],
        )


@me_blp.route("")
class Me(MethodView):
    @auth_required(fresh=True)  # the stored profile, never a cached snapshot (app.accounts.principal_cache)
    @me_blp.response(200, MeSchema)
    def get(self):
        """Get my profile"""
        return json_response(presenters.me(get_current_user()))

    @auth_required()
    @per_ip("RATELIMIT_PROFILE_IP")
    @per_account("RATELIMIT_PROFILE_ACCOUNT", lambda: "profile:" + str(get_current_user().id))
    @per_ip("RATELIMIT_EMAIL_CHANGE_IP", scope="email-change", when=_changes_email)
    @per_account("RATELIMIT_EMAIL_CHANGE_ACCOUNT", lambda: "email:" + str(get_current_user().id), when=_changes_email)
    @me_blp.arguments(MeUpdateSchema, example={"name": "Siti R.", "home_area_code": "32.73.01.1002", "home_rw": 3})
    @me_blp.response(200, MeSchema)
    def patch(self, changes):
        """Update my name, e-mail or home area

        Only these fields can be changed here; role and scope are managed by admins. A request that sets
        `email` is limited hard, per account and per client IP: an address held by another account is a 409.
        """
        return json_response(presenters.me(service.update_profile(user=load_current_user(), changes=changes)))


@users_blp.route("")
class StaffList(MethodView):
    @auth_required(*STAFF_ROLES)
    @users_blp.arguments(StaffQuerySchema, location="query")
    @users_blp.response(200, page_of(StaffSchema))
    def get(self, args):
        """List staff accounts I manage"""
        result = service.list_staff(
            actor=get_current_user(),
            role=args["role"],
            area_code=args["area_code"],
            cursor=args["cursor"],
            limit=args["limit"],
        )
        return json_response(presenters.staff_page(result))

    @auth_required(*STAFF_ROLES)
    @users_blp.arguments(
        StaffCreateSchema,
        example={
            "name": "Budi Santoso",
            "phone": "081311112222",
            "password": "ganti-segera-1",
            "role": Role.MODERATOR.value,
            "scope_area_code": "32.73",
        },
    )
    @users_blp.response(201, StaffSchema)
    def post(self, data):
        """Create a staff account

        Only a role the caller may grant, inside the caller's own area.
        """
        return json_response(presenters.staff(service.create_staff(actor=get_current_user(), data=data)), 201)


@users_blp.route("/<id:user_id>")
class StaffItem(MethodView):
    @auth_required(*STAFF_ROLES)
    @users_blp.response(200, StaffSchema)
    def get(self, user_id):
        """Get a staff account I manage"""
        return json_response(presenters.staff(service.get_managed(actor=get_current_user(), user_id=user_id)))

    @auth_required(*STAFF_ROLES)
    @users_blp.arguments(StaffUpdateSchema, example={"is_active": False})
    @users_blp.response(200, StaffSchema)
    def patch(self, changes, user_id):
        """Change a staff account's role, area or active flag

        Deactivating closes every session of the account at once.
        """
        actor = get_current_user()
        target = service.get_managed(actor=actor, user_id=user_id)
        return json_response(presenters.staff(service.update_staff(actor=actor, target=target, changes=changes)))


@users_blp.route("/<id:user_id>/password")
class StaffPasswordReset(MethodView):
    @auth_required(Role.ADMIN.value)
    @per_ip("RATELIMIT_PASSWORD_IP")
    @users_blp.arguments(PasswordResetSchema, example={"new_password": "ganti-segera-2"})
    @users_blp.response(204)
    def post(self, data, user_id):
        """Set a new password for a staff account I manage

        Admins only, inside their scope; every session of the account ends (hand the password over in person).
        """
        target = service.get_managed(actor=get_current_user(), user_id=user_id)
        service.reset_password(target=target, new_password=data["new_password"])


@users_blp.route("/<id:user_id>/revoke-sessions")
class StaffSessionsRevoke(MethodView):
    @auth_required(Role.ADMIN.value)
    @users_blp.response(200, SessionsRevokedSchema)
    def post(self, user_id):
        """Sign a staff account I manage out everywhere

        Admins only, inside their scope (a lost phone, a leaked token). Deactivating is `PATCH` with
        `is_active: false`.
        """
        target = service.get_managed(actor=get_current_user(), user_id=user_id)
        return json_response(presenters.sessions_revoked(service.revoke_sessions(target=target)))
