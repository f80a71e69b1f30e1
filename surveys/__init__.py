"""Surveys and polls: built by staff in scope, answered once by residents of the target area, results in SQL.

Parts: ``states`` (kinds, states, item types), ``permissions`` (pure predicates: the one scope rule), ``rules``
(what a definition must satisfy), ``builder`` (create, change, duplicate, publish/close/archive), ``answers`` (pure
checks of a response), ``responding`` (storing it once), ``tally`` (the results' counts, kept in step by one
upsert per response), ``listing`` (reads), ``results`` (figures from the tally), ``exports`` (CSV/XLSX streamed in
one cursor pass), ``export_jobs`` (exports of any size as a job, through the data-export pipeline), ``notify`` (the
pushes, each once), ``privacy`` (export and erasure for the data rights), ``demo``.

Anonymity
---------
For an anonymous survey nothing links a resident to their answers, in the database or in what the API returns:

- *Who answered* is ``survey_participations`` (survey_id, user_id): the one-response rule (its primary key) and the
  voters of a poll. It has no timestamp, no serial id and no reference to a response.
- *What was answered* is ``survey_responses`` + ``survey_answers``: the response id is a random UUID (version 4;
  no sequence, so ids do not follow the order of submission), the date only (``submitted_on``: no exact time to
  line up with a participation, a log line or a notification), and the respondent's home desa and kab/kota (for
  breakdowns) — never the user id (``user_id`` and ``submitted_at`` are NULL). Answer rows carry no user and no time
  either; their key is (response, question, part).
- There is therefore no join path from ``survey_answers`` to ``users`` (tests/surveys/test_anonymity.py checks the
  foreign keys and the stored rows). Results are aggregates; free-text answers are shown to staff in scope only,
  without any respondent data; exports of anonymous surveys have the random id, the date and areas, nothing else.
- Residual risks, documented rather than hidden: the physical order of rows in both tables (and the WAL) follows
  insertion order, which someone with raw disk or superuser access could line up; a desa breakdown with very few
  respondents narrows who they can be. Non-anonymous surveys store ``user_id`` and ``submitted_at`` on the response
  so residents can read theirs back.
"""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    import surveys.demo
    import surveys.notify  # noqa: F401  (the sweep and the demo seeder register on import)
    from app.core import links
    from surveys import export_jobs, privacy
    from surveys.routes import blp, manage_blp

    api.register_blueprint(blp)
    api.register_blueprint(manage_blp)
    links.register("survey", links.row_exists("surveys"))  # an announcement may link to a survey or poll
    export_jobs.register()  # survey files built by the data-export job
    privacy.register()  # export and erasure of responses and participations (app.accounts.privacy)
