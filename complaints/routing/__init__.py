"""Routing rules: which office handles a complaint of a category in an area.

Moderation calls ``complaints.routing.service.resolve(category_id=..., desa_code=...)``; ``None`` means no rule
applies and the complaint waits in moderation.
"""
