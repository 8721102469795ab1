"""What would identify a child in free text. The register describes risks to children in general
and must never identify one (UK GDPR data minimisation), so every text it saves is checked here:
the forms refuse a match, the importer lists it, `privacy scan` finds it in stored text.

Text is normalised first, so that a number or a postcode written another way is still found:
Unicode compatibility forms (full-width digits, non-breaking spaces) become plain ones, every
dash a hyphen, invisible characters go, and each run of spaces and line breaks is one space.
Every pattern then reads the text once: no part of one can match the same characters in two
ways, so the time taken grows with the text's length, never faster, whatever is typed."""

import re
import unicodedata

# Hyphens, dashes and minus signs, which people and word processors use as separators.
DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
# Characters that show nothing: inside a number they would hide it.
INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
SPACES = re.compile(r"\s+")

# Ten digits, plain or grouped 3-3-4 or 3-7 by a space, a hyphen or a dot, with no digit right
# before or after: part of a longer number is not an NHS number.
NHS_NUMBER = re.compile(r"(?<![0-9])[0-9]{3}[ .-]?[0-9]{3}[ .-]?[0-9]{4}(?![0-9])")
SEPARATORS = re.compile(r"[ .-]")
# "+44 121 496 0000" is a Birmingham phone number: a dialling code makes the digits after it
# part of a longer number too. Only the characters just before the digits are read.
DIALLING_CODE = re.compile(r"\+[0-9]{1,3}[ -]?$")
NHS_WEIGHTS = range(10, 1, -1)

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
DAY = r"[0-9]{1,2}(?:st|nd|rd|th)?"
YEAR = r"[0-9]{4}"
DATE = rf"""(?:
    {YEAR}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,2}}                 # 2015-04-03
  | [0-9]{{1,2}}[-/.][0-9]{{1,2}}(?:[-/.](?:{YEAR}|[0-9]{{2}}))?  # 3/4/2015, 03-04-15, 3.4
  | (?:the\ )?{DAY}(?:\ of)?\ {MONTH}(?:,?\ {YEAR})?         # 3 April 2015, 3rd of Apr
  | {MONTH}\ {DAY}(?:,?\ {YEAR})?                           # April 3, 2015
  | {MONTH}\ {YEAR}                                         # April 2015
)(?![0-9])"""
# A date straight after the words that introduce a date of birth: "children born after 1 April
# 2025" describes children in general; "born on 1 April 2025" or "born 1/4/2025" dates one child.
BIRTH_CUE = (
    r"\b(?:d\.?\ ?o\.?\ ?b\.?|date\ of\ birth|birth\ ?date|birth\ ?day|b'?day|born(?:\ on)?)"
)
DATE_OF_BIRTH = re.compile(rf"{BIRTH_CUE}\ ?[:=-]?\ ?{DATE}", re.IGNORECASE | re.VERBOSE)

# A full postcode, outward and inward parts (DY1 1HF), with the letters the Royal Mail uses in
# each position; an outward code alone (DY1) names a district of thousands of families.
POSTCODE = re.compile(
    r"""\b(?:
        [A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?          # A9, A99, A9A
      | [A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRV-Y]? # AA9, AA99, AA9A
    )[\ -]?([0-9])([ABD-HJLNP-UW-Z]{2})\b""",
    re.IGNORECASE | re.VERBOSE,
)
ORDINAL_SUFFIX = {"1": "st", "2": "nd", "3": "rd"}


def normalised(text: str) -> str:
    """`text` as the checks read it (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", DASHES.sub("-", text))
    return SPACES.sub(" ", text)


def nhs_check_digit_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 to 2 on the first nine digits; the check
    digit is 11 less the remainder, 11 meaning 0 and 10 meaning no valid number."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, NHS_WEIGHTS, strict=False))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str):
    for found in NHS_NUMBER.finditer(text):
        digits = SEPARATORS.sub("", found[0])
        before = text[max(0, found.start() - 5) : found.start()]
        if nhs_check_digit_valid(digits) and not DIALLING_CODE.search(before):
            yield found.start(), f"an NHS number ({found[0]})"


def _dates_of_birth(text: str):
    for found in DATE_OF_BIRTH.finditer(text):
        yield found.start(), f"a date of birth ({found[0]})"


def _postcodes(text: str):
    for found in POSTCODE.finditer(text):
        digit, letters = found[1], found[2]
        # "KS2 3rd" or "Y6 4th" is a school year: an ordinal, written in small letters.
        if letters != ORDINAL_SUFFIX.get(digit, "th"):
            yield found.start(), f"a postcode ({found[0]})"


def child_identifiers(text: str) -> list[str]:
    """What in `text` would identify a child, each described as "an NHS number (943 476
    5919)", in the order they appear; an empty list when there is nothing."""
    text = normalised(text)
    found = sorted((*_nhs_numbers(text), *_dates_of_birth(text), *_postcodes(text)))
    return list(dict.fromkeys(description for _, description in found))


def identifier_message(label: str, found: list[str]) -> str:
    """The refusal shown next to a field whose text holds `found`."""
    listed = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} and {found[-1]}"
    return (
        f"{label} contains what looks like {listed}. The register must never identify a "
        "child: remove it."
    )
