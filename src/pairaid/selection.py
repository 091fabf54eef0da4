"""Which regions and pairs take part in a plan run, checked against the data set.

:func:`select_regions` (recipients and donors from the settings), :func:`check_inputs`
(the data can support the run) and :func:`official_pairs` (the historical round to
compare with), used by :func:`pairaid.pipeline.plan` before any work.
"""

from __future__ import annotations

import pandas as pd

from pairaid.config import PlanConfig
from pairaid.datasets import Dataset
from pairaid.errors import ConfigError, InputError, Problem
from pairaid.schemas import STAFF_RESOURCES


def did_you_mean(unknown: list[str], known: set[str]) -> str:
    """``"; did you mean 'DE-BY'?"`` for the unknown codes that match a known region code
    but for letter case or surrounding spaces (``de-by``, `` De-By``), else ``""``.

    Region codes are matched exactly everywhere (ISO 3166-2 codes are upper case); this only
    words the error message.
    """
    folded: dict[str, list[str]] = {}
    for code in sorted(known):
        folded.setdefault(code.strip().casefold(), []).append(code)
    hints = [f"{c!r} -> {' or '.join(map(repr, folded[c.strip().casefold()]))}"
             for c in unknown if c.strip().casefold() in folded]
    return f"; did you mean {', '.join(hints)}? (codes are case-sensitive)" if hints else ""


def select_regions(dataset: Dataset, config: PlanConfig) -> tuple[list[str], list[str]]:
    """Recipient and donor codes for a run (defaults in :class:`PlanConfig`).

    Raises
    ------
    pairaid.errors.ConfigError
        If a listed code is not in the data set, a region is both donor and recipient, or
        either list is empty.
    """
    regions = dataset.regions
    known = set(regions["region_code"])
    _check_selectors(regions, config)
    if config.recipients is not None:
        recipients = list(config.recipients)
    else:
        level = config.recipients_level or (None if config.recipients_parent else "prefecture")
        chosen = regions_by(regions, level=level, parent=config.recipients_parent)
        recipients = [c for c in chosen if c not in set(config.exclude_recipients)]
    parents = set(regions.loc[regions["region_code"].isin(recipients), "parent_code"])
    if config.donors is not None:
        donors = list(config.donors)
    else:
        level = config.donors_level or (None if config.donors_parent else "province")
        chosen = regions_by(regions, level=level, parent=config.donors_parent)
        donors = [c for c in chosen if c not in parents and c not in set(recipients)]
    for name, codes in (("recipients", recipients), ("donors", donors)):
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ConfigError(f"setting '{name}': code(s) {dup} listed more than once")
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ConfigError(f"setting '{name}': unknown region code(s) {unknown} "
                              f"(not in the data set's regions.csv)"
                              + did_you_mean(unknown, known))
        if not codes:
            flag = "--" + name
            level = getattr(config, f"{name}_level")
            parent = getattr(config, f"{name}_parent")
            where = " and ".join(
                ([f"level '{level}'"] if level else []) + ([f"parent_code '{parent}'"]
                                                           if parent else []))
            if name == "recipients":
                default = (f"every row of {where or 'level ' + repr('prefecture')} in "
                           f"regions.csv (less exclude_recipients: "
                           f"{list(config.exclude_recipients)})")
            else:
                default = (f"every row of {where or 'level ' + repr('province')} in "
                           "regions.csv that is neither a recipient nor a recipient's "
                           "parent_code")
            given = getattr(config, name) is not None
            raise ConfigError(
                f"no {name}: {flag} lists no region" if given else
                f"no {name}: by default the {name} are {default}, and this data set has "
                f"none; list them with {flag} CODE,CODE (or {name} = [...] in a --config "
                "file)")
    both = sorted(set(recipients) & set(donors))
    if both:
        raise ConfigError(f"regions {both} are listed both as donors (--donors) and as "
                          "recipients (--recipients); a region cannot support itself")
    forbidden = {tuple(p) for p in config.forbidden_pairs}
    for d, r in config.previous_pairs:
        if d not in donors or r not in recipients:
            lacking = "; ".join(
                f"{code} is not {'a region of regions.csv' if code not in known else role}"
                for code, ok, role in ((d, d in donors, "one of this run's donors (--donors)"),
                                       (r, r in recipients,
                                        "one of this run's recipients (--recipients)"))
                if not ok)
            raise ConfigError(f"setting 'previous_pairs' (--previous): pair {d}→{r}: {lacking}; "
                              "a team in place cannot be kept silently out of the plan")
        if (d, r) in forbidden and config.keep_previous:
            raise ConfigError(f"pair {d}→{r} is both a previous pair (--previous), kept as "
                              "it is, and forbidden (--forbid); give --change-cost to let "
                              "the plan drop previous pairs at a price")
    own = sorted(set(donors) & parents)
    if own:
        raise ConfigError(f"setting 'donors': {own} is the province of some recipients; "
                          "a province cannot be paired with its own divisions (its epidemic "
                          "is the recipients' epidemic)")
    for setting, flag in (("fixed_pairs", "--fix"), ("forbidden_pairs", "--forbid")):
        for d, r in getattr(config, setting):
            why = (_not_a_recipient(r, known, set(config.exclude_recipients), config)
                   if r not in recipients else
                   _not_a_donor(d, known, parents) if d not in donors else None)
            if why:
                raise ConfigError(f"setting '{setting}' ({flag}): pair {d}→{r}: {why}")
    return recipients, donors


def _check_selectors(regions: pd.DataFrame, config: PlanConfig) -> None:
    """A level or parent that no row of ``regions.csv`` has is refused, naming those it has.

    Raises
    ------
    pairaid.errors.ConfigError
    """
    for side in ("recipients", "donors"):
        for kind, column in (("level", "level"), ("parent", "parent_code")):
            value = getattr(config, f"{side}_{kind}")
            present = sorted(set(regions[column].dropna().astype(str)))
            if value is not None and value not in present:
                raise ConfigError(f"setting '{side}_{kind}' (--{side}-{kind}) = '{value}': no "
                                  f"region of regions.csv has {column} '{value}'; known: "
                                  f"{', '.join(present)}")


def regions_by(regions: pd.DataFrame, *, level: str | None = None,
               parent: str | None = None) -> list[str]:
    """Codes of the regions at ``level`` and/or under ``parent`` (``parent_code``), in
    table order; ``None`` places no condition."""
    mask = pd.Series(True, index=regions.index)
    if level is not None:
        mask &= regions["level"].astype(str) == level
    if parent is not None:
        mask &= regions["parent_code"].astype(str) == parent
    return [str(c) for c in regions.loc[mask, "region_code"]]


def _not_a_recipient(code: str, known: set[str], excluded: set[str],
                     config: PlanConfig) -> str:
    if code not in known:
        return f"{code} is not a region of the data set (regions.csv)"
    if code in excluded and config.recipients is None:
        return (f"{code} is excluded from the recipients by default (setting "
                "exclude_recipients); list the recipients with --recipients to include it")
    return f"{code} is not a recipient of this run (see --recipients)"


def _not_a_donor(code: str, known: set[str], parents: set[str]) -> str:
    if code not in known:
        return f"{code} is not a region of the data set (regions.csv)"
    if code in parents:
        return (f"{code} is the province of the recipients and cannot be their donor (its "
                "epidemic is the recipients' epidemic)")
    return f"{code} is not a donor of this run (see --donors)"


def check_inputs(dataset: Dataset, config: PlanConfig, recipients: list[str],
                 donors: list[str]) -> None:
    """Check that the data can support this run, before any work.

    Raises
    ------
    pairaid.errors.ConfigError
        If the decision date is outside the case data of the recipients.
    pairaid.errors.InputError
        If a recipient lacks a ``beds``, ``doctors`` or ``nurses`` capacity, or a donor a
        ``doctors`` or ``nurses`` capacity, or, with ``config.transfer == "icu"``, either
        an ``icu_beds`` capacity (file ``capacities.csv``).
    """
    cases = dataset.cases[dataset.cases["region_code"].isin(recipients)]
    if cases.empty:
        shown = ", ".join(recipients[:5]) + (" ..." if len(recipients) > 5 else "")
        raise InputError([Problem(str(dataset.path / "cases.csv"),
                                  f"no case rows for any recipient ({shown}); the recipients "
                                  "(--recipients) must be regions with case counts")])
    first, last = cases["date"].min().date(), cases["date"].max().date()
    if not first <= config.decision_date <= last:
        raise ConfigError(f"setting 'decision_date' = {config.decision_date}: outside the "
                          f"recipients' case data ({first} … {last})")
    have = set(zip(dataset.capacities["region_code"], dataset.capacities["resource"],
                   strict=True))
    problems = []
    # ICU transfers move patients between ICU beds: a region without an icu_beds row was
    # taken to have none (every ICU patient of Piedmont sent away; the c0003 kind)
    icu = ("icu_beds",) if config.transfer == "icu" else ()
    for codes, resources in ((recipients, ("beds", "doctors", "nurses", *icu)),
                             (donors, (*STAFF_RESOURCES, *icu))):
        for code in codes:
            for res in resources:
                if (code, res) not in have:
                    problems.append(Problem(str(dataset.path / "capacities.csv"),
                                            f"no '{res}' row for region {code}, which this "
                                            "run needs" + (" (--transfer icu)" if res in icu
                                                           else ""), None, "resource"))
    if problems:
        raise InputError(problems)


def official_pairs(dataset: Dataset, config: PlanConfig, recipients: list[str],
                   donors: list[str]) -> list[tuple[str, str]] | None:
    """Pairs of the historical round ``config.official_round`` (``None`` if not asked for).

    Raises
    ------
    pairaid.errors.ConfigError
        If the data set has no pairing of that round, or the round uses a donor or
        recipient outside this run's selection.
    """
    if config.official_round is None:
        return None
    rounds = dataset.pairings
    mask = pd.to_datetime(rounds["round"]) == pd.Timestamp(config.official_round)
    sel = rounds[mask]
    if sel.empty:
        available = sorted({pd.Timestamp(r).date().isoformat() for r in rounds["round"]})
        raise ConfigError(f"setting 'official_round' = {config.official_round}: the data set "
                          f"has no pairing of that round (rounds: {available or 'none'}); "
                          "pass --no-official to plan without the comparison, or choose "
                          "a round with official_round = \"YYYY-MM-DD\" in a --config file")
    pairs = list(zip(sel["donor_code"].astype(str), sel["recipient_code"].astype(str),
                     strict=True))
    outside = [p for p in pairs if p[0] not in donors or p[1] not in recipients]
    if outside:
        shown = ", ".join(f"{d}→{r}" for d, r in outside[:4])
        more = f" and {len(outside) - 4} more" if len(outside) > 4 else ""
        raise ConfigError(f"the official {config.official_round} pairing uses {len(outside)} "
                          f"pair(s) outside this run's donors/recipients ({shown}{more}); "
                          "add --no-official (in TOML: official_round = \"none\") to plan "
                          "without the comparison")
    return pairs
