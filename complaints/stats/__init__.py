"""Complaint statistics (``GET /stats/complaints``): counts, handling times, SLA compliance and ratings, in SQL."""

from complaints.stats import tasks  # noqa: F401  (the job that moves the rollup's horizon registers on import)
