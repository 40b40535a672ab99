"""How the memo writes numbers, money, shares, days and dates.

One formatter per memo, so every figure in the text, tables and charts uses the
workbook's currency the same way. Tests format the JSON values with these same
functions and look for the result in the PDF text.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from ftreport.model.outputs import OUTPUT, Output

MISSING = "—"
# Written between a minus sign and the amount's first character would still let a line
# break there; the non-breaking hyphen keeps "-$1,234" on one line in every table.
MINUS = "\u2011"
# Shares are written to at most this many decimals of a percent (0.01%).
MAX_SHARE_PLACES = 2
# Money from this size on is written in whole units: cents on a total are noise.
WHOLE_MONEY_FROM = 1000

# Currencies written with a symbol before the amount; any other ISO code is
# written after it ("12,345.67 CHF"), which is unambiguous for every code.
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
# ISO 4217 minor units where they are not 2.
CURRENCY_PLACES = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "KWD": 3, "BHD": 3, "OMR": 3}

# Units of the results schema written as a whole quantity and a word after it.
UNIT_SUFFIXES = {"tokens": " tokens", "requests": " requests/day", "tokens_per_hour": " tokens/h"}

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


class Formatter:
    """Formats the engine's numbers for one currency."""

    def __init__(self, currency: str) -> None:
        self.currency = (currency or "USD").strip().upper()
        self.symbol = CURRENCY_SYMBOLS.get(self.currency)
        self.places = CURRENCY_PLACES.get(self.currency, 2)

    def _with_currency(self, digits: str, negative: bool) -> str:
        sign = MINUS if negative else ""
        if self.symbol:
            return f"{sign}{self.symbol}{digits}"
        return f"{sign}{digits} {self.currency}"

    def money(self, value: float | None, places: int | None = None) -> str:
        """``$12,346``, ``-€1,000``, ``$612.50``, ``12,345 CHF``: whole units from
        WHOLE_MONEY_FROM on, the currency's minor units below; a dash for no value."""
        if not is_number(value):
            return MISSING
        if places is None:
            places = 0 if abs(float(value)) >= WHOLE_MONEY_FROM else self.places
        rounded = round(float(value), places)
        return self._with_currency(f"{abs(rounded):,.{places}f}", rounded < 0)

    def money_se(self, se: float | None) -> str:
        """A standard error of money, to the digits that show it: whole units from 10 on
        (``$172``, ``$41``: cents of an estimate's error are noise), the currency's minor
        units below (``$0.84``, ``< $0.01``); empty when there is none (no estimate, or 0)."""
        if not is_number(se) or se == 0:
            return ""
        size = abs(float(se))
        places = 0 if size >= 10 else self.places
        if round(size, places) == 0:
            return "< " + self.money(10.0 ** -places, places)
        return self.money(size, places)

    def unit_money(self, value: float | None) -> str:
        """A small amount (cost per request) with at least three significant digits."""
        if not is_number(value):
            return MISSING
        v = abs(float(value))
        places = self.places
        if 0 < v < 1:
            places = min(8, max(places, 2 - math.floor(math.log10(v))))
        return self.money(value, places)

    def compact_money(self, value: float) -> str:
        """Axis labels: ``$250k``, ``$1.5M``, ``-$20k``."""
        v = abs(value)
        for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
            if v >= size:
                digits = f"{v / size:,.2f}".rstrip("0").rstrip(".") + suffix
                break
        else:
            digits = f"{v:,.2f}".rstrip("0").rstrip(".") if v else "0"
        return self._with_currency(digits, value < 0 and digits != "0")

    def percent(self, share: float | None, places: int | None = None) -> str:
        """A share as a percentage: two significant digits, never fewer than whole
        percents (``45%``, ``3.2%``, ``0.55%``), and never rounded to 100% or 0% when it
        is not; ``places`` fixes the decimals instead."""
        if not is_number(share):
            return MISSING
        pct = float(share) * 100
        if places is None:
            size = abs(pct)
            places = 0 if size >= 10 or size == 0 else min(
                MAX_SHARE_PLACES, 1 - math.floor(math.log10(size)))
            while places < MAX_SHARE_PLACES and round(size, places) == 100 and size != 100:
                places += 1
        return f"{pct:,.{places}f}%".replace("-", MINUS)

    def volume_trend(self, monthly_growth: float) -> str:
        """The volume's monthly growth in words that fit its sign: "growing 3.0% a month",
        "falling 30% a month" (not "growing -30%"), "with no growth"."""
        if monthly_growth > 0:
            return f"growing {self.percent(monthly_growth)} a month"
        if monthly_growth < 0:
            return f"falling {self.percent(-monthly_growth)} a month"
        return "with no growth"

    @staticmethod
    def count(value: float | None) -> str:
        """A whole quantity: ``12,345``."""
        if not is_number(value):
            return MISSING
        return f"{value:,.0f}"

    @staticmethod
    def number(value: float | None) -> str:
        """An input as entered, without float noise: ``2,000,000``, ``0.85``."""
        if not is_number(value):
            return MISSING
        return f"{float(value):,.10g}" if not float(value).is_integer() else f"{value:,.0f}"

    @staticmethod
    def yes_no(value: bool | None) -> str:
        """A flag as the workbook's yes/no inputs read: ``yes``, ``no``; a dash for none."""
        return MISSING if value is None else "yes" if value else "no"

    @staticmethod
    def days(value: float | None) -> str:
        """A duration: ``1 day``, ``36,500 days``; ``under 1 day`` for a positive one that
        rounds to none (a steady-state break-even of 0.3 days is not "0 days")."""
        if not is_number(value):
            return MISSING
        if 0 < value < 0.5:
            return "under 1 day"
        return f"{value:,.0f} day" + ("" if round(value) == 1 else "s")

    @staticmethod
    def ratio(value: float | None) -> str:
        """Return on investment as a multiple, ``9.7x`` (the Results sheet's ``0.0"x"``)."""
        if not is_number(value):
            return MISSING
        return f"{value:,.1f}x".replace("-", MINUS)

    def output(self, output: Output | str, value: Any) -> str:
        """A value of the results schema (an ``Output`` or its key) written by its unit:
        ``$12.50``, ``12.5%``, ``day 41``, ``41 days``, ``2,000 tokens``; a dash for no value."""
        unit = (OUTPUT[output] if isinstance(output, str) else output).unit
        if unit == "text":
            return MISSING if value is None or value == "" else str(value)
        if unit == "flag":
            return self.yes_no(value)
        if not is_number(value):
            return MISSING
        if unit == "day":
            return f"day {value:,.0f}"
        if unit in UNIT_SUFFIXES:
            return self.count(value) + UNIT_SUFFIXES[unit]
        written = {"money": self.money, "unit_money": self.unit_money, "count": self.count,
                   "share": self.percent, "ratio": self.ratio, "days": self.days}
        return written[unit](value)


def calendar_date(day: date) -> str:
    """``14 Mar 2026``, independent of the locale."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def date_of_day(first_day: date, day: int) -> date:
    """The calendar date of operating day ``day`` (day 1 is ``first_day``; day 0 is
    before operation starts, shown as day 1)."""
    return first_day + timedelta(days=max(day, 1) - 1)
