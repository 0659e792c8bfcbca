"""Facts: the countries and territories whose traffic keeps to the left.

Source: Wikipedia, "Left- and right-hand traffic", section "Countries and territories
with left-hand traffic" (list as of 2024), expressed as ISO 3166 alpha-2 codes.
Every country not listed here drives on the right.
"""

from __future__ import annotations

LEFT_DRIVING: frozenset[str] = frozenset(
    {
        "AG", "AI", "AU", "BB", "BD", "BM", "BN", "BS", "BT", "BW", "CC", "CK", "CX", "CY",
        "DM", "FJ", "FK", "GB", "GD", "GG", "GY", "HK", "ID", "IE", "IM", "IN", "IO", "JE",
        "JM", "JP", "KE", "KI", "KN", "KY", "LC", "LK", "LS", "MO", "MS", "MT", "MU", "MV",
        "MW", "MY", "MZ", "NA", "NF", "NP", "NR", "NU", "NZ", "PG", "PK", "PN", "SB", "SC",
        "SG", "SH", "SR", "SZ", "TC", "TH", "TK", "TL", "TO", "TT", "TV", "TZ", "UG", "VC",
        "VG", "VI", "WS", "ZA", "ZM", "ZW",
    }
)  # fmt: skip
