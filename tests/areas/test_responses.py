"""The JSON the areas presenters write is what the documented schemas describe, and what marshmallow wrote from
the same rows: pages of areas (children, provinces, search) and one area with its ancestors."""

from __future__ import annotations

from app.areas import presenters, service
from app.areas.schemas import AreaDetailSchema, AreaSchema
from app.core.pagination import page_of
from tests.presenter_checks import same_as_dump, written


def test_area_pages_match_their_schema(client):
    schema = page_of(AreaSchema)()
    provinces = service.list_children(parent_code=None, cursor=None, limit=5)
    assert provinces["next_cursor"] is not None and provinces["items"][0].parent_code is None
    same_as_dump(presenters.area_page(provinces), schema, provinces)
    assert client.get("/api/v1/areas?limit=5").get_json() == written(presenters.area_page(provinces))

    children = service.list_children(parent_code="32.73.01", cursor=None, limit=20)
    assert children["next_cursor"] is None and children["items"][0].postal_code is not None
    same_as_dump(presenters.area_page(children), schema, children)
    assert client.get("/api/v1/areas/32.73.01/children").get_json() == written(presenters.area_page(children))

    found = service.search(q="bandung", level=None, within=None, cursor=None, limit=3)
    same_as_dump(presenters.area_page(found), schema, found)
    assert client.get("/api/v1/areas/search?q=bandung&limit=3").get_json() == written(presenters.area_page(found))


def test_area_detail_matches_its_schema(client):
    for code in ("32", "32.73.01.1001"):
        detail = service.get_detail(code=code)
        data = presenters.area_detail(detail)
        assert len(data["ancestors"]) == len(code.split(".")) - 1
        same_as_dump(data, AreaDetailSchema(), detail)
        assert client.get(f"/api/v1/areas/{code}").get_json() == written(data)
