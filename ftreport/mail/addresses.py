"""Email addresses and header values: parsed strictly, never with a line break in them."""

from __future__ import annotations

from email import errors as email_errors
from email import policy
from email.headerregistry import Address

from ftreport.model.problems import Problem, describe

MESSAGE = "email"  # the Problem.file for addresses and subject


# Line and paragraph breaks beyond CR and LF: mail programs and Python's email package
# may treat them as line ends too.
LINE_BREAKS = frozenset("\x85\u2028\u2029")


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character other than tab, or any line break."""
    # CR and LF would let a value start a new header (header injection).
    return any((ord(c) < 32 and c != "\t") or c == "\x7f" or c in LINE_BREAKS
               for c in text)


def visible(value: object) -> object:
    """``value`` with its line breaks written out, for a message that quotes it."""
    if isinstance(value, str):
        for breaking, shown in (("\r", "\\r"), ("\n", "\\n"), ("\x85", "\\x85"),
                                ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
            value = value.replace(breaking, shown)
    return value


def parse_addresses(value: str, source: str, what: str,
                    problems: list[Problem]) -> list[Address]:
    """Every address in ``value`` (commas separate several); a Problem for anything
    that is not a plain ``local@domain`` mailbox, optionally with a display name."""
    expected = ("an email address such as finance@example.com or "
                "\"Finance <finance@example.com>\"")
    if has_control(value):
        problems.append(Problem(source, None, None, "on one line (no line breaks)",
                                found=describe(visible(value)), field=what,
                                code="invalid-address"))
        return []
    try:
        header = policy.default.header_factory("To", value)
        addresses, groups, defects = header.addresses, header.groups, header.defects
    except (email_errors.HeaderParseError, IndexError, ValueError):
        # The parser raises IndexError on some inputs, such as "alice@".
        addresses, groups, defects = (), (), ("unparsable",)
    ok = (addresses and not defects and not any(g.display_name for g in groups)
          and all(a.username and a.domain and a.addr_spec.isascii() for a in addresses))
    if not ok:
        problems.append(Problem(source, None, None, expected, found=describe(value),
                                field=what, code="invalid-address"))
        return []
    return list(addresses)


def parse_one(value: str, source: str, what: str, problems: list[Problem]) -> Address | None:
    """The single address in ``value``; a Problem if it holds none or several."""
    found = parse_addresses(value, source, what, problems)
    if len(found) > 1:
        problems.append(Problem(source, None, None, "one address", found=describe(value),
                                field=what, code="invalid-address"))
        return None
    return found[0] if found else None
