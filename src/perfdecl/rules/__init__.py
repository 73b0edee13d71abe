"""The cross-checks, one family per module, run on a loaded bundle.

arithmetic (PD1xx), plausibility (PD2xx), indicators (PD3xx), review (PD401-PD413),
previous (PD420-PD424): each
`check_*(bundle)` yields Diagnostics and declares the codes it reports
(`@emits`, rules/check.py). Their records (codes, severities,
messages, documentation) are leaf data in perfdecl/codes, which the loader
uses too; they are re-exported here for callers that look for them beside
the checks.
"""
from __future__ import annotations

from ..codes import RULES, Example, Rule, hint, message
from . import arithmetic, indicators, plausibility, previous, review
from .check import Check

__all__ = ["CHECKS", "RULES", "Check", "Example", "Rule", "hint", "message"]

# The cross-checks, run in this order on a loaded bundle; each yields Diagnostics.
CHECKS: tuple[Check, ...] = (
    arithmetic.check_funding,
    arithmetic.check_tables,
    arithmetic.check_places,
    arithmetic.check_summary,
    arithmetic.check_column_totals,
    arithmetic.check_form_tables,
    plausibility.check_funding,
    plausibility.check_dates,
    plausibility.check_timeliness,
    plausibility.check_figures,
    plausibility.check_periods,
    plausibility.check_years,
    plausibility.check_residue,
    plausibility.check_labels,
    plausibility.check_invisible,
    indicators.check_framework,
    indicators.check_values,
    indicators.check_links,
    review.check_instructions,
    review.check_quotes,
    review.check_goals,
    review.check_annual_output,
    review.check_costs,
    review.check_indicator_forms,
    review.check_unit,
    previous.check_readable,
    previous.check_targets,
    previous.check_copied,
    previous.check_amounts,
)
