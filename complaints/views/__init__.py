"""The complaint endpoints (``/complaints``: submit, the public feed, similar, one complaint, withdraw; and
``/me/complaints``) and the full detail they answer with.

The detail reads what every part adds to a complaint (photos, supports, the lead stage's office and deadline, the
reporter's follow-up), so it sits above them all, below the parts that answer with it after their own actions
(moderation, feedback). Intake itself (``complaints.intake``) stays the base: it loads, lists and changes complaints
without knowing the parts built on it.
"""
