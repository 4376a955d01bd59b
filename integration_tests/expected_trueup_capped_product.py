"""Writes seeds/data_trueup_capped_product.csv: inputs of trueup_capped_product and the
expected least(multiplicand x multiplier, cap), worked out with Python's exact Decimal (a
product of two 9-decimal values is exact at 18 decimals).
Run from this folder: python expected_trueup_capped_product.py
"""

from __future__ import annotations

import csv
from decimal import Decimal, getcontext
from pathlib import Path

getcontext().prec = 100
LIMIT = "99900000000000"  # int_expected_charges_priced's amount limit
TOP = "99999999999999999999999999999"  # 29 digits: the largest whole DECIMAL(38, 9)
CASES = [
    # (multiplicand, multiplier, cap)
    ("0", TOP, LIMIT),  # a zero factor is 0, however large the other
    (TOP, "0", LIMIT),
    ("2.5", "4", LIMIT),
    ("0.000000001", "0.000000001", LIMIT),  # the smallest product: 10^-18
    ("99899999999999.999999999", "1", LIMIT),  # just below the cap: itself
    ("99900000000000", "1", LIMIT),  # the cap itself
    ("9990000", "10000000", LIMIT),  # a product equal to the cap
    ("1234567.123456789", "7654321.987654321", LIMIT),  # 18 exact decimals below the cap
    ("99999999.999999999", "99999999.999999999", LIMIT),  # digits 17 + 17: multiplied, capped
    ("999999.999999999", "999999999.999999999", LIMIT),  # digits 15 + 18: multiplied, capped
    ("99899999.9", "1000000", LIMIT),  # digits 17 + 16: exact, just below the cap
    ("10000000", "10000000", LIMIT),  # digits 17 + 17: 10^14, multiplied, capped
    ("0.000000001", TOP, LIMIT),  # digits 1 + 38: over 10^15 by the digit count
    ("0.000000001", "12345678901234", LIMIT),  # digits 1 + 23: exact
    ("1000000000000000000000001", "0.000000001", LIMIT),  # digits 34 + 1: capped
    ("123.456", "1", LIMIT),  # a flat fee against 1
    ("1000000", "0.5", "100"),  # another cap
    ("0.5", "0.5", "1"),
]


def expected(multiplicand: str, multiplier: str, cap: str) -> str:
    product = min(Decimal(multiplicand) * Decimal(multiplier), Decimal(cap))
    return format(product.quantize(Decimal("1e-18")), "f")


def main() -> None:
    seed = Path(__file__).parent / "seeds" / "data_trueup_capped_product.csv"
    with seed.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["multiplicand", "multiplier", "cap", "expected"])
        for case in CASES:
            writer.writerow([*case, expected(*case)])


if __name__ == "__main__":
    main()
