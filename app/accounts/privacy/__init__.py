"""A resident's rights over their personal data (UU 27/2022, UU PDP): consent to the privacy notice, a copy of
their data, deletion, retention of old data, and an access log of who saw their identity.

Features take part through ``app.accounts.privacy.registry`` (exporters, erasers, retention steps); see
docs/DEVELOPING.md, "Personal data".
"""
