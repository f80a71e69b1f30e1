"""The pure predicates of complaints.permissions (no database, no request)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from complaints import permissions as perm


def user(role="resident", scope=None, rw=None, id=10, active=True):
    from app.areas.codes import scope_key

    return SimpleNamespace(
        id=id, role=role, is_active=active, scope=scope_key(scope, rw) if scope else None, scope_area_code=scope
    )


def complaint(status="verified", public=True, anonymous=False, reporter_id=1, desa="32.73.01.1001", rw=5):
    return SimpleNamespace(
        status=status,
        is_public=public,
        is_anonymous=anonymous,
        reporter_id=reporter_id,
        desa_code=desa,
        rw=rw,
        viewer_offices=frozenset(),  # as attach_viewer_offices leaves it for a caller who handles nothing
    )


REPORTER = user(id=1)


@pytest.mark.parametrize(
    ("who", "in_scope"),
    [
        (user("moderator", "32"), True),
        (user("moderator", "32.73"), True),
        (user("moderator", "32.73.01"), True),
        (user("moderator", "32.73.02"), False),
        (user("moderator", "32.04"), False),
        (user("admin", "32.73.01.1001"), True),
        (user("village_official", "32.73.01.1001"), True),
        (user("village_official", "32.73.01.1002"), False),
        (user("rw_official", "32.73.01.1001", rw=5), True),
        (user("rw_official", "32.73.01.1001", rw=6), False),
        (user("moderator", "32.73", active=False), False),
        (user("office_handler", "32.73"), False),  # reach through an office comes with the next issue
        (user("editor", "32.73"), False),
        (user("resident"), False),
        (None, False),
    ],
)
def test_staff_in_scope(who, in_scope):
    assert perm.is_staff_in_scope(who, complaint()) is in_scope


def test_rw_official_does_not_see_a_complaint_without_rw():
    assert perm.is_staff_in_scope(user("rw_official", "32.73.01.1001", rw=5), complaint(rw=None)) is False
    assert perm.is_staff_in_scope(user("village_official", "32.73.01.1001"), complaint(rw=None)) is True


@pytest.mark.parametrize(
    ("c", "public_can_view"),
    [
        (complaint("verified"), True),
        (complaint("closed"), True),
        (complaint("submitted"), False),
        (complaint("needs_info"), False),
        (complaint("withdrawn"), False),
        (complaint("rejected"), False),
        (complaint("duplicate"), False),
        (complaint("verified", public=False), False),
    ],
)
def test_view(c, public_can_view):
    assert perm.can_view(None, c) is public_can_view
    assert perm.can_view(user(), c) is public_can_view
    assert perm.can_view(REPORTER, c) is True
    assert perm.can_view(user("moderator", "32.73"), c) is True


def test_identity_of_anonymous_reporters():
    anon = complaint(anonymous=True)
    assert perm.sees_reporter_identity(REPORTER, anon)
    assert perm.sees_reporter_identity(user("moderator", "32.73"), anon)
    assert perm.sees_reporter_identity(user("admin", "32"), anon)
    assert not perm.sees_reporter_identity(user("village_official", "32.73.01.1001"), anon)
    assert not perm.sees_reporter_identity(user(), anon)
    assert not perm.sees_reporter_identity(None, anon)
    assert perm.sees_reporter_identity(user("village_official", "32.73.01.1001"), complaint())
    assert not perm.sees_reporter_identity(user(), complaint())


def test_original_text_and_screening():
    assert perm.sees_original(REPORTER, complaint()) and not perm.sees_screening(REPORTER, complaint())
    assert perm.sees_original(user("moderator", "32.73"), complaint())
    assert perm.sees_screening(user("moderator", "32.73"), complaint())
    assert not perm.sees_original(user(), complaint()) and not perm.sees_original(None, complaint())


def test_support_rules():
    assert perm.can_support(user(), complaint("verified"))
    assert perm.can_support(user(), complaint("in_progress"))
    assert not perm.can_support(REPORTER, complaint("verified"))
    assert not perm.can_support(None, complaint("verified"))
    assert not perm.can_support(user(), complaint("resolved"))
    assert not perm.can_support(user(), complaint("submitted"))
    assert not perm.can_support(user(), complaint("verified", public=False))


def test_conversation_rules():
    mod = user("moderator", "32.73")
    assert perm.can_post_message(REPORTER, complaint(), visibility="shared")
    assert not perm.can_post_message(REPORTER, complaint(), visibility="internal")
    assert perm.can_post_message(mod, complaint(), visibility="internal")
    assert not perm.can_read_conversation(user(), complaint())
    assert perm.can_read_internal_notes(mod, complaint()) and not perm.can_read_internal_notes(REPORTER, complaint())


def test_only_the_reporter_withdraws_and_adds_photos():
    assert perm.can_withdraw(REPORTER, complaint()) and perm.can_add_photo(REPORTER, complaint())
    assert not perm.can_withdraw(user("moderator", "32.73"), complaint())
    assert not perm.can_add_photo(user("moderator", "32.73"), complaint())


def test_an_office_handlers_rights_need_the_loaded_offices():
    handler = user("office_handler", "32.73")
    bare = SimpleNamespace(office_id=7, status="accepted")
    with pytest.raises(perm.ViewerOfficesNotLoaded):
        perm.is_handler(handler, bare)
    assert perm.is_handler(user("moderator", "32.73"), bare) is False  # other roles need no offices
    bare.viewer_offices = frozenset({7})
    assert perm.is_lead_handler(handler, bare) is True
