"""An independent Python implementation of SPEC §3 Pricing, in exact rational arithmetic, to
check the SQL pricing macros against."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Tier:
    """One rate-card row."""

    up_to: Decimal | None
    unit_price: Decimal
    flat_fee: Decimal = Decimal(0)


@dataclass(frozen=True)
class Line:
    """A segment's charge line: the rate card of one meter and the segment's quantity."""

    pricing_model: str
    tiers: tuple[Tier, ...]
    quantity: Decimal
    segment_days: int
    period_days: int
    discount_pct: Decimal = Decimal(0)
    package_size: Decimal | None = None
    free_quantity: Decimal = Decimal(0)


def _lower_bounds(tiers: tuple[Tier, ...]) -> list[Fraction]:
    bounds = [Fraction(0)]
    for tier in tiers[:-1]:
        assert tier.up_to is not None
        bounds.append(Fraction(tier.up_to))
    return bounds


def usage_and_fees(line: Line) -> tuple[Fraction, Fraction]:
    """What the rate card charges for the quantity, and the full-month flat fees that apply."""
    q = Fraction(line.quantity)
    tiers = line.tiers
    if line.pricing_model == "per_unit":
        return q * Fraction(tiers[0].unit_price), Fraction(tiers[0].flat_fee)
    if line.pricing_model == "package":
        assert line.package_size is not None
        billable = max(Fraction(0), q - Fraction(line.free_quantity))
        packages = math.ceil(billable / Fraction(line.package_size))
        return packages * Fraction(tiers[0].unit_price), Fraction(tiers[0].flat_fee)
    lows = _lower_bounds(tiers)
    if line.pricing_model == "graduated":
        usage, fees = Fraction(0), Fraction(0)
        for index, (tier, low) in enumerate(zip(tiers, lows, strict=True)):
            top = q if tier.up_to is None else min(q, Fraction(tier.up_to))
            usage += max(Fraction(0), top - low) * Fraction(tier.unit_price)
            if index == 0 or q > low:
                fees += Fraction(tier.flat_fee)
        return usage, fees
    if line.pricing_model == "volume":
        for index, (tier, low) in enumerate(zip(tiers, lows, strict=True)):
            inside = q > low and (tier.up_to is None or q <= Fraction(tier.up_to))
            if inside or (q == 0 and index == 0):
                return q * Fraction(tier.unit_price), Fraction(tier.flat_fee)
        raise AssertionError("a well-formed volume rate card covers every quantity")
    raise ValueError(line.pricing_model)


def round_half_away(value: Fraction, places: int) -> Decimal:
    """value rounded half away from zero to `places` decimals."""
    scaled = value * 10**places
    whole = math.floor(abs(scaled) + Fraction(1, 2))
    return (Decimal(whole if scaled >= 0 else -whole) / Decimal(10) ** places).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def price(line: Line) -> tuple[Fraction, Decimal]:
    """(exact amount before discount, expected amount rounded once to cents)."""
    usage, fees = usage_and_fees(line)
    amount = usage + fees * line.segment_days / line.period_days
    discounted = amount * (100 - Fraction(line.discount_pct)) / 100
    return amount, round_half_away(discounted, 2)
