"""The order actions are listed in, on every page, document and reminder: soonest due first,
then those with no due date, then as they were added."""

from riskreg.models import Action


def action_order(*ties) -> tuple:
    """The ORDER BY terms, `ties` (say a risk's ref) breaking a tie of due dates before the
    order of adding does. Undated actions come after the dated ones on any database (SQLite
    sorts a NULL first, PostgreSQL last)."""
    return (Action.due_on.is_(None), Action.due_on, *ties, Action.id)
