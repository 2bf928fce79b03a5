"""The events' tests' space (tests/events/helpers.py builds it)."""

from tests.events.helpers import world  # noqa: F401
