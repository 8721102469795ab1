"""How text the board typed is joined into the app's own sentences."""

SENTENCE_ENDS = (".", "!", "?", "…")


def sentence(text: str) -> str:
    """`text` ending with a full stop, unless it already ends a sentence: "Merged into BR-01"
    and "Merged into BR-01." both read "Merged into BR-01."."""
    text = text.rstrip()
    return text if not text or text.endswith(SENTENCE_ENDS) else f"{text}."
