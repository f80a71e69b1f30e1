"""Complaint photos: the Pillow pipeline (decode, orient, strip metadata, re-encode), storage and serving.

``processing.process_photo`` and ``service.add_photo`` are public: moderation and handling reuse them for
resolution photos (``kind="resolution"``).
"""
