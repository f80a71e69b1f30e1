"""Models of surveys and polls.

A ``Survey`` (``kind`` survey or poll) has ordered ``Question`` items (questions, section headings and text
blocks), each with its ``Option`` rows (answer options, and for a matrix its rows, ``is_row``). Who answered and
what was answered are kept apart (see the package docstring, "Anonymity"):

- ``Participation`` (survey, user): the one-response rule (its primary key) and who voted, nothing else: no time,
  no serial, no reference to the answers;
- ``Response`` (random UUID, survey, the respondent's home desa and kab/kota, the date): the user and the exact time
  only for non-anonymous surveys;
- ``Answer``: one row per (response, question, part; part 0 exists for every question answered, so counting
  part 0 counts respondents): a chosen option (``option_id``; for a matrix with its
  ``row_id``; for a ranking with the rank in ``num_value``), a number (rating, scale, number, yes/no as 1/0) or a
  text (texts, dates as ``YYYY-MM-DD``, "other" next to ``option_id`` NULL). The respondent's kab/kota and desa are
  copied onto each answer so that number statistics read one index without a join.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, code_string, utcnow

__all__ = ["Answer", "Option", "Participation", "Question", "Response", "Survey", "Tally"]

TITLE_MAX, DESCRIPTION_MAX = 200, 4000
QUESTION_TITLE_MAX, QUESTION_DESCRIPTION_MAX = 500, 2000
OPTION_LABEL_MAX = 200
TEXT_ANSWER_MAX = 5000
SHORT_TEXT_MAX = 500


class Survey(Base):
    __tablename__ = "surveys"
    __table_args__ = (
        Index("ix_surveys_area_key_status", "area_key", "status"),
        Index("ix_surveys_area_key_updated_at_id", "area_key", "updated_at", "id"),
        Index("ix_surveys_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    area_code: Mapped[str] = mapped_column(code_string(13), ForeignKey("areas.code"))
    rw: Mapped[int | None] = mapped_column(SmallInteger)
    #: ``scope_key(area_code, rw)``: what containment compares (residents' home keys, staff scopes).
    area_key: Mapped[str] = mapped_column(code_string(17))
    opens_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime]
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    results_visibility: Mapped[str] = mapped_column(String(20), default="staff")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    #: Set once by the conditional update that sends the area push (never twice, whoever publishes).
    announced_at: Mapped[dt.datetime | None]
    #: Set once by the conditional update that tells a poll's voters its results.
    results_notified_at: Mapped[dt.datetime | None]


class Question(Base):
    """One item of a survey, in order: a question, a section heading (``section``) or a text block (``text``)."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(QUESTION_TITLE_MAX))
    description: Mapped[str | None] = mapped_column(String(QUESTION_DESCRIPTION_MAX))
    required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    min_choices: Mapped[int | None] = mapped_column(SmallInteger)
    max_choices: Mapped[int | None] = mapped_column(SmallInteger)
    max_length: Mapped[int | None] = mapped_column(Integer)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    integer_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    allow_other: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Display condition: shown only when the earlier question ``condition_question_id`` is answered /
    #: not_answered / equals / not_equals ``condition_option_id``. Ids of the same survey's rows (checked by the
    #: builder; the whole list is replaced at once, so no foreign key is needed).
    condition_question_id: Mapped[int | None] = mapped_column(BigInteger)
    condition_operator: Mapped[str | None] = mapped_column(String(20))
    condition_option_id: Mapped[int | None] = mapped_column(BigInteger)


class Option(Base):
    """An answer option of a choice, ranking or matrix question, or a row of a matrix (``is_row``)."""

    __tablename__ = "survey_options"
    __table_args__ = (UniqueConstraint("question_id", "is_row", "position"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    is_row: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    label: Mapped[str] = mapped_column(String(OPTION_LABEL_MAX))


class Participation(Base):
    """That a user answered a survey: the one-response rule under any concurrency, and who voted in a poll."""

    __tablename__ = "survey_participations"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class Response(Base):
    """One submitted response. Anonymous: a random id, the home areas and the date only."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_survey_id_kabkota_code", "survey_id", "kabkota_code", "desa_code"),
        Index("ix_survey_responses_survey_id_user_id", "survey_id", "user_id"),
        Index("ix_survey_responses_survey_id_id", "survey_id", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    #: Non-anonymous surveys only.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    #: Non-anonymous surveys only (an exact time would line up with other records).
    submitted_at: Mapped[dt.datetime | None]
    desa_code: Mapped[str | None] = mapped_column(code_string(13))
    kabkota_code: Mapped[str | None] = mapped_column(code_string(5))


NUMBER_ROWS_SQL = text("num_value IS NOT NULL AND option_id IS NULL AND row_id IS NULL")


class Answer(Base):
    """One part of one answer (see the module docstring)."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        # the exact median of one number question reads that question's values only, in order: over the whole
        # (or an area, filtered on the included codes) and per kab/kota. Partial: only rows with a value and no
        # option or matrix row (numbers, ratings, scales, yes/no: 4 of the ~15 rows of a typical response), so a
        # submit writes few entries; the queries repeat the predicate (``results.NUMBER_ROWS``).
        Index(
            "ix_survey_answers_question_id_num_value",
            "question_id",
            "num_value",
            postgresql_include=["kabkota_code", "desa_code"],
            postgresql_where=NUMBER_ROWS_SQL,
            sqlite_where=NUMBER_ROWS_SQL,
        ),
        Index(
            "ix_survey_answers_question_id_kabkota_code_num_value",
            "question_id",
            "kabkota_code",
            "num_value",
            postgresql_include=["desa_code"],
            postgresql_where=NUMBER_ROWS_SQL,
            sqlite_where=NUMBER_ROWS_SQL,
        ),
    )

    response_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    survey_id: Mapped[int] = mapped_column(BigInteger)
    kabkota_code: Mapped[str | None] = mapped_column(code_string(5))
    desa_code: Mapped[str | None] = mapped_column(code_string(13))
    row_id: Mapped[int | None] = mapped_column(BigInteger)
    option_id: Mapped[int | None] = mapped_column(BigInteger)
    num_value: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(Text)


#: ``Tally.question_id`` of the row that counts the respondents themselves (one per response).
RESPONDENTS_QUESTION = 0
#: ``Tally.row_id`` / ``option_id`` / ``value`` when the answer part has none.
NONE_KEY = 0
NO_VALUE = -1


class Tally(Base):
    """Counts of answer parts per (survey, question, matrix row, option, integer value, respondent's home desa).

    Kept in step by one ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` per submitted response
    (``surveys.tally``), so results read a few thousand rows instead of every answer. ``n`` counts the parts,
    ``firsts`` the parts 0 (respondents of the question), ``texts`` the "other"/free-text parts without an option.
    ``value`` is the rank, rating, scale or yes/no value (``NO_VALUE`` otherwise; number answers are not tallied by
    value: ``total`` sums them, for the mean, and their min, max and median come from the number indexes).
    ``question_id`` 0 counts the responses. No foreign key to questions: the rows go with their survey.
    """

    __tablename__ = "survey_tallies"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    option_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, primary_key=True)
    desa_code: Mapped[str] = mapped_column(code_string(13), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
    firsts: Mapped[int] = mapped_column(BigInteger)
    texts: Mapped[int] = mapped_column(BigInteger)
    #: The sum of the values of a number question's answers (0 for every other row).
    total: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
