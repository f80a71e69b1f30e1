from __future__ import annotations

import marshmallow as ma


class SupportStateSchema(ma.Schema):
    complaint_id = ma.fields.Integer(required=True)
    supported = ma.fields.Boolean(required=True, metadata={"description": "Whether the caller now supports it."})
    support_count = ma.fields.Integer(required=True)
