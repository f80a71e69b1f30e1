"""Offices (OPD) that handle complaints: jurisdiction, sub-units and members.

Other parts of ``complaints`` (moderation, handling, routing) use the small public functions of
``complaints.offices.service``: ``get_office``, ``offices_of``, ``is_member``, ``is_head``, ``heads_of``,
``members_of``, ``sub_units``.
"""
