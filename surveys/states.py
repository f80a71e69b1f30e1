"""Kinds, states and the one transition table of surveys (pure data)."""

from __future__ import annotations

SURVEY, POLL = "survey", "poll"
KINDS = (SURVEY, POLL)

DRAFT, PUBLISHED, CLOSED, ARCHIVED = "draft", "published", "closed", "archived"
STATUSES = (DRAFT, PUBLISHED, CLOSED, ARCHIVED)
#: What residents of the target area see (archived surveys leave their lists).
RESIDENT_VISIBLE = (PUBLISHED, CLOSED)
#: action -> (from states, to state)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((DRAFT,), PUBLISHED),
    "close": ((PUBLISHED,), CLOSED),
    "archive": ((DRAFT, CLOSED), ARCHIVED),
}
#: States in which the survey's definition may still change (and its questions, while nobody has answered).
EDITABLE = (DRAFT, PUBLISHED)

#: Who sees the results besides staff in scope.
RESULTS_STAFF, RESULTS_RESPONDENTS, RESULTS_AFTER_CLOSE = "staff", "respondents", "everyone_after_close"
RESULTS_VISIBILITY = (RESULTS_STAFF, RESULTS_RESPONDENTS, RESULTS_AFTER_CLOSE)

# Item types: questions, and the display-only section headings and text blocks.
SINGLE, MULTIPLE, RANKING, MATRIX = "single_choice", "multiple_choice", "ranking", "matrix"
SHORT_TEXT, LONG_TEXT, RATING, SCALE = "short_text", "long_text", "rating", "scale"
NUMBER, YES_NO, DATE = "number", "yes_no", "date"
SECTION, TEXT_BLOCK = "section", "text"
QUESTION_TYPES = (SINGLE, MULTIPLE, RANKING, MATRIX, SHORT_TEXT, LONG_TEXT, RATING, SCALE, NUMBER, YES_NO, DATE)
ITEM_TYPES = (*QUESTION_TYPES, SECTION, TEXT_BLOCK)
CHOICE_TYPES = (SINGLE, MULTIPLE)
WITH_OPTIONS = (SINGLE, MULTIPLE, RANKING, MATRIX)
TEXT_TYPES = (SHORT_TEXT, LONG_TEXT)
#: A poll is one question of these types, shown inline in the feed.
POLL_TYPES = (SINGLE, MULTIPLE, YES_NO, RATING, SCALE)
#: Fixed ranges of the numeric scales.
RATING_RANGE, SCALE_RANGE = (1, 5), (0, 10)

ANSWERED, NOT_ANSWERED, EQUALS, NOT_EQUALS = "answered", "not_answered", "equals", "not_equals"
OPERATORS = (ANSWERED, NOT_ANSWERED, EQUALS, NOT_EQUALS)
