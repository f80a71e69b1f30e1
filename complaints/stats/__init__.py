"""Complaint statistics (``GET /stats/complaints``): counts, handling times, SLA compliance and ratings, in SQL."""
