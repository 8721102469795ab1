"""How text the board typed is joined into the app's own sentences."""

SENTENCE_ENDS = (".", "!", "?", "…")


def sentence(text: str) -> str:
    """`text` ending with a full stop, unless it already ends a sentence: "Merged into BR-01"
    and "Merged into BR-01." both read "Merged into BR-01."."""
    text = text.rstrip()
    return text if not text or text.endswith(SENTENCE_ENDS) else f"{text}."


def shorten(text: str, limit: int = 90) -> str:
    """`text` on one line, cut at a word before `limit` characters with an ellipsis when
    longer: how a list quotes a question or a note it links to in full."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–-") + "…"


def join_words(items: list[str], conjunction: str = "and") -> str:
    """ "raised, closed or rescored down": a list as a sentence reads it."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
